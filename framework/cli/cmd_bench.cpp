// `marl bench env <name>`: env steps/s and agent-steps/s under uniformly
// random (available) actions, single-threaded and on the vector env with
// every core. `marl bench train <file.toml>`: training speed (env steps/s,
// updates/s) of an experiment over a fixed budget, in a scratch run
// directory. Speed targets are checked here, never in timed tests.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <unistd.h>

#include "commands.h"
#include "gemm_roofline.h"
#include "local_workers.h"
#include "marl/error.h"
#include "marl/host/experiment.h"
#include "marl/host/experiment_config.h"
#include "marl/rng.h"
#include "marl/host/thread_pool.h"
#include "marl/host/trainer.h"
#include "marl/host/vector_env.h"
#include "marl/host/worker_group.h"
#include "marl/host/worker_placement.h"

namespace marl::cli {

namespace {

struct BenchArgs {
  std::string env;
  std::vector<std::string> sets;  // env params: key=value
  double seconds = 3.0;
  int num_envs = 0;  // 0: 16 per thread
  int threads = 0;   // 0: all cores
};

struct TrainBenchArgs {
  std::string file;
  std::vector<std::string> sets;
  int64_t env_steps = 200000;
  int64_t seed = 1;
  int nproc = 1;  // data-parallel workers (marl run --nproc)
};

struct BenchResult {
  double env_steps_per_s = 0.0;
  double agent_steps_per_s = 0.0;
};

// Random available actions for the whole batch, drawn outside the timed region
// so the figure is the environment's own cost.
void fill_random_actions(VectorEnv& envs, SplitMix64& rng) {
  const EnvSpec& spec = envs.spec();
  const Batch& batch = envs.batch();
  ActionBatch& actions = envs.actions();
  for (int a = 0; a < envs.num_agents(); ++a) {
    const ActionSpace& space = spec.agents[a].action;
    for (int e = 0; e < envs.num_envs(); ++e) {
      if (space.is_discrete()) {
        int64_t choice = static_cast<int64_t>(rng.below(space.n));
        if (batch.avail) {
          const uint8_t* mask = batch.agent_avail(a, e);
          while (!mask[choice]) choice = static_cast<int64_t>(rng.below(space.n));
        }
        actions.agent_discrete(a, e) = choice;
      } else {
        float* out = actions.agent_continuous(a, e);
        for (int d = 0; d < space.dim(); ++d) {
          out[d] = space.low[d] + static_cast<float>(rng.uniform()) * (space.high[d] - space.low[d]);
        }
      }
    }
  }
}

BenchResult measure(const VectorEnv::EnvFactory& factory, const std::string& name, int num_envs,
                    int threads, double seconds) {
  VectorEnvConfig config;
  config.num_envs = num_envs;
  config.threads = threads;
  config.seed = 1;
  config.env_name = name;
  VectorEnv envs(factory, config);
  envs.reset();
  SplitMix64 rng(7);
  using Clock = std::chrono::steady_clock;
  double stepping = 0.0;
  uint64_t steps = 0;
  const auto start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    fill_random_actions(envs, rng);
    const auto t0 = Clock::now();
    envs.step();
    stepping += std::chrono::duration<double>(Clock::now() - t0).count();
    steps += static_cast<uint64_t>(num_envs);
    envs.finished_episodes().clear();
  }
  BenchResult result;
  result.env_steps_per_s = steps / stepping;
  result.agent_steps_per_s = result.env_steps_per_s * envs.num_agents();
  return result;
}

int bench_env(const BenchArgs& args, const GlobalOptions& global) {
  const PluginRegistry registry = global.registry();
  const auto plugin = registry.load(PluginKind::Env, args.env);
  const Params params = env_params_from_sets(*plugin, args.sets, "marl bench");
  const VectorEnv::EnvFactory factory = [plugin, params] { return plugin->make_env(params); };

  const int cores = args.threads > 0 ? args.threads : ThreadPool::hardware_threads();
  const int batch_single = args.num_envs > 0 ? args.num_envs : 16;
  const int batch_all = args.num_envs > 0 ? args.num_envs : 16 * cores;
  const BenchResult single = measure(factory, args.env, batch_single, 1, args.seconds);
  const BenchResult all = measure(factory, args.env, batch_all, cores, args.seconds);
  std::cout << "env '" << args.env << "', random actions, observations and state included\n";
  std::printf("  1 thread,  %5d envs: %12.0f env steps/s %12.0f agent-steps/s\n", batch_single,
              single.env_steps_per_s, single.agent_steps_per_s);
  std::printf("  %d threads, %5d envs: %12.0f env steps/s %12.0f agent-steps/s (%.0f per core)\n", cores,
              batch_all, all.env_steps_per_s, all.agent_steps_per_s, all.agent_steps_per_s / cores);
  return 0;
}

// The update's share of the time and, where the algorithm counts its
// matmuls, their speed against this machine's for the same shapes.
void print_update_roofline(const TrainSummary& summary, const Experiment& experiment) {
  const double per_update = summary.update_seconds / static_cast<double>(summary.updates);
  std::printf("  updates: %.1f ms each, %.0f%% of the wall time\n", per_update * 1e3,
              summary.wall_seconds > 0 ? 100.0 * summary.update_seconds / summary.wall_seconds : 0.0);
  if (summary.update_gemms.empty()) {
    std::printf("  (the algorithm does not count its update's matmuls: no roofline)\n");
    return;
  }
  const GemmRoofline r = measure_gemm_roofline(summary.update_gemms);
  const int threads = std::max<int>(1, static_cast<int>(experiment.config.run.get_int("torch_threads")));
  const double achieved = r.flops / per_update;
  // Sparse first layers (FusedMlp) count as gemms over their inputs'
  // non-zero share: the arithmetic done, not the dense layer's.
  std::printf("  update matmuls: %.3f GFLOP each (counted from the network shapes; sparse inputs at their non-zero "
              "share): %.1f GFLOP/s achieved\n",
              r.flops / 1e9, achieved / 1e9);
  std::printf("  the same matmuls alone, timed now on 1 BLAS thread: %.1f GFLOP/s (%.1f ms per update)\n",
              r.peak_flops_per_s() / 1e9, r.floor_seconds * 1e3);
  std::printf("  roofline fraction: %.0f%% of %d x that speed (torch_threads = %d)\n",
              100.0 * achieved / (threads * r.peak_flops_per_s()), threads, threads);
}

// Trains for a fixed budget into a scratch directory (removed afterwards):
// the same code path and the same steps_per_s as `marl run`.
int bench_train(const TrainBenchArgs& args, const GlobalOptions& global) {
  std::vector<std::string> overrides = args.sets;
  overrides.push_back("run.env_steps=" + std::to_string(args.env_steps));
  overrides.push_back("run.eval_episodes=0");
  overrides.push_back("run.seed=" + std::to_string(args.seed));
  overrides.push_back("run.seeds=[]");
  const PluginRegistry registry = global.registry();
  const Experiment experiment = Experiment::load(args.file, overrides, registry);
  const WorkerPlacement placement = placement_from_environment();
  if (args.nproc < 1) throw Error("--nproc must be at least 1");
  if (args.nproc > 1 && !placement.distributed()) {
    LocalWorkers workers;
    workers.args = own_arguments();
    workers.nproc = args.nproc;
    return run_local_workers(workers);
  }
  TrainOptions options;
  if (placement.distributed()) options.workers = connect_workers(placement);
  options.seed = static_cast<uint64_t>(args.seed);
  options.run_dir = std::filesystem::temp_directory_path() /
                    ("marl-bench-" + experiment.name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(options.run_dir);
  TrainSummary summary;
  try {
    summary = train(experiment, options);
  } catch (...) {
    std::filesystem::remove_all(options.run_dir);
    throw;
  }
  if (!placement.is_main()) return 0;  // rank 0 reports for all
  std::filesystem::remove_all(options.run_dir);
  if (placement.distributed()) {
    const CollectiveStats c = options.workers->stats();
    std::printf("%d workers x %lld envs (rank 0's collectives: %llu calls, %.2f MB sent, %.2f s = %.0f%% of the wall "
                "time, %.2f ms per update)\n",
                placement.world_size, static_cast<long long>(experiment.config.run.get_int("num_envs")),
                static_cast<unsigned long long>(c.calls), c.bytes / 1e6, c.seconds,
                summary.wall_seconds > 0 ? 100.0 * c.seconds / summary.wall_seconds : 0.0,
                summary.updates > 0 ? 1e3 * c.seconds / static_cast<double>(summary.updates) : 0.0);
  }
  std::printf("%s: %llu env steps, %llu updates in %.1f s: %.0f env steps/s, %.1f updates/s\n",
              args.file.c_str(), static_cast<unsigned long long>(summary.env_steps),
              static_cast<unsigned long long>(summary.updates), summary.wall_seconds,
              summary.steps_per_second,
              summary.wall_seconds > 0 ? summary.updates / summary.wall_seconds : 0.0);
  if (summary.updates > 0) print_update_roofline(summary, experiment);
  return 0;
}

}  // namespace

void add_bench_command(CLI::App& app, const GlobalOptions& global, Command& selected) {
  CLI::App* bench = app.add_subcommand("bench", "measure speed");
  bench->require_subcommand(1);
  auto args = std::make_shared<BenchArgs>();
  CLI::App* env = bench->add_subcommand("env", "env steps/s with random actions, 1 thread and all cores");
  env->add_option("env", args->env, "env plugin name")->required();
  env->add_option("--set", args->sets, "env parameter, e.g. --set scenario=simple_tag_v3")->type_name("KEY=VALUE");
  env->add_option("--seconds", args->seconds, "time per measurement (default 3)");
  env->add_option("--num-envs", args->num_envs, "batch width (default 16 per thread)");
  env->add_option("--threads", args->threads, "threads for the parallel measurement (default all cores)");
  env->callback([args, &global, &selected] { selected = [args, &global] { return bench_env(*args, global); }; });

  auto targs = std::make_shared<TrainBenchArgs>();
  CLI::App* trainer = bench->add_subcommand("train", "training speed of an experiment (env steps/s, updates/s)");
  trainer->add_option("experiment", targs->file, "experiment file (.toml)")->required();
  trainer->add_option("--set", targs->sets, "override a key, e.g. --set run.num_envs=8")->type_name("KEY=VALUE");
  trainer->add_option("--env-steps", targs->env_steps, "budget (default 200000)");
  trainer->add_option("--seed", targs->seed, "seed (default 1)");
  trainer->add_option("--nproc", targs->nproc,
                      "data-parallel workers on this machine, [run].num_envs each (as marl run --nproc)");
  trainer->callback([targs, &global, &selected] {
    selected = [targs, &global] { return bench_train(*targs, global); };
  });
}

}  // namespace marl::cli
