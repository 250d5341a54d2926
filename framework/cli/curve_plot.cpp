#include "curve_plot.h"

#include <plstream.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "marl/error.h"

namespace marl::cli {

namespace {

// Tableau's 10 colours: distinguishable, and readable when printed.
const int kPalette[][3] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},  {148, 103, 189},
                           {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
constexpr int kColours = 10;
constexpr int kInk = 15;  // colour-map-0 index used for axes and text

std::string device_for(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".svg") return "svgcairo";
  if (ext == ".png") return "pngcairo";
  if (ext == ".pdf") return "pdfcairo";
  throw Error("cannot plot to " + file.string() + ": the file name must end in .svg, .png or .pdf");
}

}  // namespace

void plot_curves(const std::filesystem::path& file, const PlotLabels& labels, const std::vector<PlotSeries>& series) {
  const std::string device = device_for(file);
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const PlotSeries& s : series) {
    for (size_t i = 0; i < s.x.size(); ++i) {
      x0 = std::min(x0, s.x[i]);
      x1 = std::max(x1, s.x[i]);
      y0 = std::min({y0, s.y[i], s.low.empty() ? s.y[i] : s.low[i]});
      y1 = std::max({y1, s.y[i], s.high.empty() ? s.y[i] : s.high[i]});
    }
  }
  if (!std::isfinite(x0) || !std::isfinite(y0)) throw Error("nothing to plot: no series has a point");
  if (x1 == x0) {  // one env step: centre it
    const double half = x0 != 0.0 ? 0.5 * std::fabs(x0) : 1.0;
    x0 -= half;
    x1 += half;
  }
  const double pad = y1 > y0 ? 0.05 * (y1 - y0) : 1.0;
  y0 -= pad;
  y1 += pad;

  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  const std::filesystem::path tmp = file.parent_path() / ("." + file.filename().string() + ".tmp");
  {
    auto pls = std::make_unique<plstream>();
    pls->sdev(device.c_str());
    pls->sfnam(tmp.string().c_str());
    pls->spage(0, 0, 1000, 620, 0, 0);
    pls->scolbg(255, 255, 255);
    pls->init();
    pls->scol0(kInk, 30, 30, 30);
    for (int c = 0; c < kColours; ++c) pls->scol0(1 + c, kPalette[c][0], kPalette[c][1], kPalette[c][2]);
    pls->col0(kInk);
    pls->schr(0, 0.9);
    pls->adv(0);
    pls->vpor(0.09, 0.68, 0.12, 0.92);
    pls->wind(x0, x1, y0, y1);
    pls->box("bcnstg", 0, 0, "bcnstvg", 0, 0);
    pls->lab(labels.x.c_str(), labels.y.c_str(), labels.title.c_str());

    std::vector<PLINT> opts, colours, styles;
    std::vector<PLFLT> widths;
    std::vector<const char*> texts;
    for (size_t k = 0; k < series.size(); ++k) {
      const PlotSeries& s = series[k];
      const int c = 1 + static_cast<int>(k % kColours);
      if (!s.low.empty() && s.x.size() > 1) {
        // The band as one polygon: along `high`, back along `low`, translucent.
        std::vector<PLFLT> px(s.x.begin(), s.x.end()), py(s.high.begin(), s.high.end());
        px.insert(px.end(), s.x.rbegin(), s.x.rend());
        py.insert(py.end(), s.low.rbegin(), s.low.rend());
        pls->scol0a(c, kPalette[c - 1][0], kPalette[c - 1][1], kPalette[c - 1][2], 0.2);
        pls->col0(c);
        pls->fill(static_cast<PLINT>(px.size()), px.data(), py.data());
        pls->scol0a(c, kPalette[c - 1][0], kPalette[c - 1][1], kPalette[c - 1][2], 1.0);
      }
      pls->col0(c);
      pls->width(2.0);
      pls->line(static_cast<PLINT>(s.x.size()), const_cast<PLFLT*>(s.x.data()), const_cast<PLFLT*>(s.y.data()));
      // Points too where there are few (evaluations), so a single one shows.
      if (s.x.size() <= 12) {
        pls->ssym(0, 1.2);
        pls->poin(static_cast<PLINT>(s.x.size()), const_cast<PLFLT*>(s.x.data()), const_cast<PLFLT*>(s.y.data()), 4);
      }
      opts.push_back(PL_LEGEND_LINE);
      colours.push_back(c);
      styles.push_back(1);
      widths.push_back(2.0);
      texts.push_back(s.label.c_str());
    }
    pls->width(1.0);
    pls->col0(kInk);
    PLFLT legend_width = 0, legend_height = 0;
    const std::vector<PLINT> text_colours(series.size(), kInk);
    pls->legend(&legend_width, &legend_height, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
                PL_POSITION_RIGHT | PL_POSITION_OUTSIDE, 0.02, 0.0, 0.06, 0, kInk, 1, 0, 0,
                static_cast<PLINT>(series.size()), opts.data(), 1.0, 0.8, 2.0, 0.0, text_colours.data(),
                texts.data(), nullptr, nullptr, nullptr, nullptr, colours.data(), styles.data(), widths.data(),
                nullptr, nullptr, nullptr, nullptr);
  }  // the stream's destructor finishes the file
  if (!std::filesystem::exists(tmp, ec) || std::filesystem::file_size(tmp, ec) == 0) {
    throw Error("PLplot wrote nothing to " + file.string() + " (is its Cairo driver, plplot-driver-cairo, installed?)");
  }
  std::filesystem::rename(tmp, file, ec);
  if (ec) throw Error("cannot write " + file.string() + ": " + ec.message());
}

}  // namespace marl::cli
