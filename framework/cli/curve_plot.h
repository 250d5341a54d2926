// Learning-curve figures through PLplot (Debian libplplot-dev, its Cairo
// driver): lines per series with an optional shaded band (a confidence
// interval), axes, labels and a legend, written as SVG, PNG or PDF.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace marl::cli {

struct PlotSeries {
  std::string label;
  std::vector<double> x, y;
  std::vector<double> low, high;  // the band; empty for none
};

struct PlotLabels {
  std::string title, x, y;
};

// The format follows the extension (.svg, .png, .pdf); marl::Error for
// another, for no point to draw, or when the file cannot be written.
void plot_curves(const std::filesystem::path& file, const PlotLabels& labels, const std::vector<PlotSeries>& series);

}  // namespace marl::cli
