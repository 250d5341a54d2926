// Sub-commands of the marl CLI. Each registers its options on the app and
// returns the function that runs it (exit code). User errors are thrown as
// marl::Error and turned into exit code 2 by main().
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "marl/host/plugin_registry.h"

namespace marl::cli {

struct GlobalOptions {
  std::string program = "marl";  // argv[0], so printed next commands can be pasted as they are
  std::vector<std::string> plugin_dirs;
  PluginRegistry registry() const;
};

using Command = std::function<int()>;

// Run directories named on the command line: each a run (has run.json) or a
// folder of runs (e.g. one seed_<n> per seed); a run named twice counts once.
std::vector<std::filesystem::path> collect_run_dirs(const std::vector<std::string>& args);

void add_run_command(CLI::App& app, const GlobalOptions& global, Command& selected);
void add_eval_command(CLI::App& app, const GlobalOptions& global, Command& selected);
void add_export_command(CLI::App& app, const GlobalOptions& global, Command& selected);
void add_plugin_commands(CLI::App& app, const GlobalOptions& global, Command& selected);
void add_validate_command(CLI::App& app, const GlobalOptions& global, Command& selected);
void add_bench_command(CLI::App& app, const GlobalOptions& global, Command& selected);
void add_compare_command(CLI::App& app, const GlobalOptions& global, Command& selected);
void add_test_env_command(CLI::App& app, const GlobalOptions& global, Command& selected);
void add_new_command(CLI::App& app, const GlobalOptions& global, Command& selected);
void add_status_command(CLI::App& app, const GlobalOptions& global, Command& selected);
void add_plot_command(CLI::App& app, const GlobalOptions& global, Command& selected);
void add_timeline_command(CLI::App& app, const GlobalOptions& global, Command& selected);
void add_check_command(CLI::App& app, const GlobalOptions& global, Command& selected);
void add_reproduce_command(CLI::App& app, const GlobalOptions& global, Command& selected);

}  // namespace marl::cli
