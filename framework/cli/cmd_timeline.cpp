// `marl timeline <runs> --when "col>value" ... [--eval]`: at which env step
// each condition first holds in a run's metrics.csv (or eval.csv), and from
// which step it holds to the end. Why: an autocurriculum is read as phases
// (docs/hide-and-seek.md §14: fort building = doors_blocked_prep > 0.5, ramp
// use = elevated_seeker_sees_frac > 0.05, ...), and "when did it appear" is
// the number a results table reports.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "marl/error.h"
#include "run_curves.h"

namespace marl::cli {

namespace {

struct Condition {
  std::string text, column;
  bool above = true;  // '>' (else '<')
  double value = 0.0;
  bool holds(double v) const { return above ? v > value : v < value; }
};

// "doors_blocked_prep>0.5" or "hidden_frac<0.3".
Condition parse_condition(const std::string& text) {
  const size_t at = text.find_first_of("<>");
  Condition c;
  c.text = text;
  if (at == std::string::npos || at == 0 || at + 1 >= text.size()) {
    throw Error("--when '" + text + "': expected COLUMN>VALUE or COLUMN<VALUE, e.g. doors_blocked_prep>0.5");
  }
  c.column = text.substr(0, at);
  c.above = text[at] == '>';
  char* end = nullptr;
  const std::string number = text.substr(at + 1);
  c.value = std::strtod(number.c_str(), &end);
  if (end == number.c_str() || *end != '\0' || !std::isfinite(c.value)) {
    throw Error("--when '" + text + "': '" + number + "' is not a number");
  }
  return c;
}

struct TimelineArgs {
  std::vector<std::string> dirs;
  std::vector<std::string> conditions;
  bool from_eval = false;
};

std::string steps_text(double steps) { return std::isnan(steps) ? "never" : std::to_string(static_cast<long long>(steps)); }

int timeline(const TimelineArgs& args) {
  if (args.conditions.empty()) throw Error("marl timeline needs at least one --when COLUMN>VALUE");
  std::vector<Condition> conditions;
  std::vector<std::string> columns;
  for (const auto& text : args.conditions) {
    conditions.push_back(parse_condition(text));
    columns.push_back(conditions.back().column);
  }
  const std::string file = args.from_eval ? "eval.csv" : "metrics.csv";
  std::printf("%-40s %-36s %12s %12s\n", "run", "condition", "first", "from (held)");
  for (const auto& dir : collect_run_dirs(args.dirs)) {
    const RunCurves run = read_run_curves(dir, file, columns);
    for (const Condition& c : conditions) {
      const Curve& curve = run.curves.at(c.column);
      double first = NAN, held = NAN;
      for (size_t i = 0; i < curve.values.size(); ++i) {
        if (!c.holds(curve.values[i])) {
          held = NAN;
          continue;
        }
        if (std::isnan(first)) first = curve.steps[i];
        if (std::isnan(held)) held = curve.steps[i];
      }
      std::printf("%-40s %-36s %12s %12s\n", dir.string().c_str(), c.text.c_str(), steps_text(first).c_str(),
                  steps_text(held).c_str());
    }
  }
  return 0;
}

}  // namespace

void add_timeline_command(CLI::App& app, const GlobalOptions&, Command& selected) {
  auto args = std::make_shared<TimelineArgs>();
  CLI::App* cmd = app.add_subcommand(
      "timeline", "the env step at which each condition on a metrics.csv (or eval.csv) column first holds");
  cmd->add_option("runs", args->dirs, "run directories, or folders holding them")->required();
  cmd->add_option("--when", args->conditions, "COLUMN>VALUE or COLUMN<VALUE, e.g. doors_blocked_prep>0.5 (repeatable)")
      ->required();
  cmd->add_flag("--eval", args->from_eval, "from eval.csv (greedy evaluations) instead of metrics.csv");
  cmd->callback([args, &selected] { selected = [args] { return timeline(*args); }; });
}

}  // namespace marl::cli
