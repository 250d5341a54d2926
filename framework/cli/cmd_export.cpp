// marl export <run> --out <dir>: the run's policy alone, small enough to
// commit: <dir>/config.toml (the run's) and <dir>/checkpoint.bin written
// from Algorithm::save_policy (networks, normalizers, optimizers; no rollout
// in progress, no replay, no runner state). `marl eval <dir>` (and
// --render/--record) and `opponent_checkpoint = "<dir>"` read it; it cannot
// be resumed.
#include <filesystem>
#include <iostream>

#include "atomic_file.h"
#include "commands.h"
#include "marl/error.h"
#include "saved_policy.h"

namespace marl::cli {

namespace {

struct ExportArgs {
  std::string run_dir;
  std::string checkpoint;
  std::string out;
  bool force = false;
};

int export_policy(const ExportArgs& args, const GlobalOptions& global) {
  const std::filesystem::path out(args.out);
  if (std::filesystem::exists(out / "checkpoint.bin") && !args.force) {
    throw Error(out.string() + " already holds a checkpoint.bin; pass --force to replace it");
  }
  const SavedPolicy saved = load_saved_policy(args.run_dir, args.checkpoint, global);
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec) throw Error("cannot create " + out.string() + ": " + ec.message());
  write_file_atomic(out / "config.toml", read_file(std::filesystem::path(args.run_dir) / "config.toml"));
  CheckpointHeader header = saved.header;
  header.runner_state_bytes = 0;
  save_policy_checkpoint(out / "checkpoint.bin", header, *saved.algorithm);
  const auto size = std::filesystem::file_size(out / "checkpoint.bin");
  const auto before = std::filesystem::file_size(saved.checkpoint);
  std::cout << "exported the " << header.algorithm << " policy at " << header.env_steps << " env steps to " << out.string()
            << " (" << size / 1024 << " KiB; the run's checkpoint is " << before / 1024 << " KiB)\n"
            << "  watch it:  marl eval " << out.string() << " --episodes 3 --record " << (out / "replay.html").string()
            << "\n";
  return 0;
}

}  // namespace

void add_export_command(CLI::App& app, const GlobalOptions& global, Command& selected) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "export", "write a run's policy alone (small; for marl eval and opponents, not for --resume)");
  cmd->add_option("run_dir", args->run_dir, "run directory written by `marl run`")->required();
  cmd->add_option("--out", args->out, "folder to write config.toml and checkpoint.bin into")->required();
  cmd->add_option("--checkpoint", args->checkpoint, "checkpoint file (default <run_dir>/checkpoint.bin)");
  cmd->add_flag("--force", args->force, "replace a checkpoint already in --out");
  cmd->callback([args, &global, &selected] { selected = [args, &global] { return export_policy(*args, global); }; });
}

}  // namespace marl::cli
