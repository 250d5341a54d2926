#include "marl/host/expectation.h"

#include <sstream>

#include "marl/params.h"

namespace marl {

namespace {
std::string real(double v) { return param_value_to_string(ParamValue(v)); }
}  // namespace

std::string Expectation::to_toml() const {
  std::ostringstream out;
  out << "{ from = \"" << from << "\"";
  if (at) out << ", at = " << *at;
  out << ", stat = \"" << stat << "\"";
  if (min) out << ", min = " << real(*min);
  if (max) out << ", max = " << real(*max);
  out << ", source = " << param_value_to_string(ParamValue(source));
  if (!experiment.empty()) out << ", experiment = " << param_value_to_string(ParamValue(experiment));
  out << " }";
  return out.str();
}

std::string Expectation::describe() const {
  std::ostringstream out;
  out << metric << " (" << (from == "eval" ? "eval.csv" : "metrics.csv") << ")";
  out << (at ? " at " + std::to_string(*at) : std::string(" at the last row"));
  out << ", " << (stat == "each" ? "every seed" : stat + " over seeds");
  if (min && max) out << " in [" << real(*min) << ", " << real(*max) << "]";
  else if (min) out << " >= " << real(*min);
  else out << " <= " << real(*max);
  return out.str();
}

}  // namespace marl
