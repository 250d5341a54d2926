// Where replay tests find recorded reference episodes.
//
// Each env plugin carries its recordings in `<plugin folder>/tests/data/`, and
// its test target passes that folder as `default_dir`, so a fresh clone
// replays them with nothing beside it. `MARL_REFERENCE_DIR`, when set and not
// empty, names a reference root laid out as `<root>/<plugin>/<file>` instead:
// other recordings in the same layout (more seeds, another release of the
// reference code) then replay without a rebuild.
#pragma once

#include <string>

namespace marl::testing {

// `$MARL_REFERENCE_DIR/<plugin>/<file>` when the variable is set, else `<default_dir>/<file>`.
std::string reference_file(const std::string& plugin, const std::string& file, const std::string& default_dir);

// One line for a failing test's context: the file read and how to point elsewhere.
std::string reference_file_hint(const std::string& path);

}  // namespace marl::testing
