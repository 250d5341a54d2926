// marl: run, evaluate and inspect multi-agent RL experiments.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>

#include "commands.h"
#include "marl/build_info.h"
#include "marl/error.h"

namespace marl::cli {

PluginRegistry GlobalOptions::registry() const {
  std::vector<std::filesystem::path> extra(plugin_dirs.begin(), plugin_dirs.end());
  for (const auto& dir : extra) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      throw Error("--plugin-dir " + dir.string() + ": no such folder (it should hold libmarl_*.so plugin files)");
    }
  }
  return PluginRegistry(PluginRegistry::default_search_path(extra));
}

}  // namespace marl::cli

int main(int argc, char** argv) {
  CLI::App app{"marl " MARL_VERSION ": multi-agent reinforcement learning experiments"};
  app.require_subcommand(1);
  app.set_version_flag("--version", MARL_VERSION);
  marl::cli::GlobalOptions global;
  if (argc > 0 && argv[0] != nullptr && *argv[0] != '\0') global.program = argv[0];
  app.add_option("--plugin-dir", global.plugin_dirs,
                 "extra folder to search for plugins (repeatable; also MARL_PLUGIN_PATH)")
      ->type_name("DIR");

  marl::cli::Command selected;
  marl::cli::add_run_command(app, global, selected);
  marl::cli::add_eval_command(app, global, selected);
  marl::cli::add_export_command(app, global, selected);
  marl::cli::add_plugin_commands(app, global, selected);
  marl::cli::add_validate_command(app, global, selected);
  marl::cli::add_bench_command(app, global, selected);
  marl::cli::add_compare_command(app, global, selected);
  marl::cli::add_test_env_command(app, global, selected);
  marl::cli::add_new_command(app, global, selected);
  marl::cli::add_status_command(app, global, selected);
  marl::cli::add_check_command(app, global, selected);
  marl::cli::add_plot_command(app, global, selected);
  marl::cli::add_timeline_command(app, global, selected);
  marl::cli::add_reproduce_command(app, global, selected);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  try {
    return selected ? selected() : 2;
  } catch (const marl::Error& e) {
    std::cout.flush();
    std::cerr << "error: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "internal error: " << e.what() << '\n';
    return 1;
  }
}
