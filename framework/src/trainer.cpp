#include "marl/host/trainer.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <sstream>

#include <spdlog/spdlog.h>

#include "atomic_file.h"
#include "marl/checkpoint.h"
#include "marl/host/episode_stats.h"
#include "marl/error.h"
#include "marl/rng.h"
#include "marl/host/evaluator.h"
#include "marl/host/interrupt.h"
#include "logging.h"
#include "marl/host/metrics_csv.h"
#include "marl/host/progress.h"
#include "marl/host/run_loop.h"
#include "marl/host/run_status.h"
#include "eval_csv.h"
#include "kept_checkpoints.h"
#include "run_dir_lock.h"
#include "resume_checkpoint.h"
#include "runner_state.h"
#include "worker_states.h"

namespace marl {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<double> team_returns(const EpisodeStats& stats, const EnvSpec& spec) {
  std::vector<double> returns;
  for (int k = 0; k < spec.num_teams(); ++k) returns.push_back(stats.team_mean_return(k));
  return returns;
}

}  // namespace

TrainSummary train(const Experiment& experiment, const TrainOptions& options) {
  const Params& run = experiment.config.run;
  const uint64_t total_steps = static_cast<uint64_t>(run.get_int("env_steps"));
  const uint64_t log_interval = static_cast<uint64_t>(run.get_int("log_interval"));
  const uint64_t checkpoint_interval = static_cast<uint64_t>(run.get_int("checkpoint_interval"));
  const double checkpoint_seconds = 60.0 * run.get_double("checkpoint_minutes");
  const int eval_episodes = static_cast<int>(run.get_int("eval_episodes"));
  const uint64_t eval_interval = eval_episodes > 0 ? static_cast<uint64_t>(run.get_int("eval_interval")) : 0;

  // Everything that can fail on bad plugins happens before the run dir exists.
  Collectives& workers = options.workers ? *options.workers : SingleProcess::instance();
  const bool main = workers.is_main();
  const uint64_t world = static_cast<uint64_t>(workers.size());
  // The other workers' console shows only warnings and errors; rank 0 speaks for the run.
  if (!main) LogFileScope::set_console_quiet(true);
  VectorEnvConfig env_config;
  env_config.num_envs = static_cast<int>(run.get_int("num_envs"));
  env_config.first_env = static_cast<int64_t>(workers.rank()) * env_config.num_envs;
  env_config.threads = static_cast<int>(run.get_int("threads"));
  env_config.seed = options.seed;
  env_config.env_name = experiment.config.env_plugin;
  env_config.checked_steps = run.get_int("check_env_steps");
  VectorEnv envs(experiment.env_factory(), env_config);
  AlgorithmContext context = experiment.algorithm_context(envs.spec(), envs.num_envs(), options.seed);
  // Rank 0 keeps the single-process streams; the others explore their own.
  if (workers.rank() > 0) context.seed = derive_seed(context.seed, static_cast<uint64_t>(workers.rank()));
  context.collectives = &workers;
  context.first_env = env_config.first_env;
  std::shared_ptr<Algorithm> algorithm = experiment.algorithm_plugin->make_algorithm(context);
  // An algorithm that does not say what its workers share would train N
  // separate models without anyone noticing.
  if (workers.distributed() && algorithm->parameter_digest() == 0) {
    throw ConfigError("algorithm '" + experiment.config.algorithm_plugin +
                      "' does not support data-parallel runs (it reports no parameter_digest(): see "
                      "docs/writing-an-algorithm-plugin.md); run it as one process");
  }
  const std::vector<std::string> train_names = algorithm->metric_names();

  // The baseline plays the same evaluation episodes (same env count and
  // seeds) as the trained policy; built here so that a baseline unable to
  // play this env fails before the run directory exists.
  EvalOptions eval;
  eval.episodes = eval_episodes;
  eval.num_envs = std::max(1, std::min(envs.num_envs(), eval_episodes));
  eval.seed = options.seed;
  eval.env_name = experiment.config.env_plugin;
  std::shared_ptr<Algorithm> baseline;
  if (experiment.baseline_plugin && eval_episodes > 0) {
    baseline = experiment.baseline_plugin->make_algorithm(
        experiment.baseline_context(envs.spec(), eval.num_envs, options.seed));
  }

  // The folder is created atomically (or, resuming, taken over) and held
  // until the run returns.
  std::unique_ptr<RunDirLock> run_dir_lock;
  if (main) {
    run_dir_lock = std::make_unique<RunDirLock>(options.run_dir,
                                                options.resume ? RunDirLock::Mode::Resume : RunDirLock::Mode::Create);
  }
  const std::string& algorithm_name = experiment.config.algorithm_plugin;
  const std::filesystem::path checkpoint_file = options.run_dir / "checkpoint.bin";
  std::string runner_state;
  CheckpointHeader resumed;
  if (options.resume) {
      resumed = read_resume_checkpoint(options.run_dir, experiment, options.seed, workers, *algorithm, runner_state);
  }
  if (!options.resume && main) write_file_atomic(options.run_dir / "config.toml", experiment.config_toml(options.seed));
  RunStatus status;
  status.world_size = workers.size();
  status.experiment = experiment.name;
  status.source = experiment.source;
  status.seed = options.seed;
  status.pid = ::getpid();
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  status.host = host;
  status.started = utc_timestamp();
  if (options.resume) {
    status.checkpoint = "checkpoint.bin";
    status.resumed_from = resumed.env_steps;
  }
  // Only rank 0 writes into the run directory.
  auto save_status = [&] {
    if (main) write_run_status(options.run_dir, status);
  };
  save_status();
  std::unique_ptr<LogFileScope> log_file;
  if (main) log_file = std::make_unique<LogFileScope>(options.run_dir / "log.txt");

  CheckpointHeader header{algorithm_name, experiment.algorithm_plugin->record().version,
                          experiment.config.env_plugin, 0, options.seed};

  logger().info("{} '{}' seed {}: env '{}' x{}{} ({} agents), algorithm '{}', {} env steps -> {}",
                options.resume ? "resuming run" : "run", experiment.name, options.seed,
                experiment.config.env_plugin, envs.num_envs(),
                workers.distributed() ? fmt::format(" on each of {} workers", world) : std::string(),
                envs.num_agents(), algorithm_name, total_steps, options.run_dir.string());

  TrainSummary summary;
  // Env steps of all workers (they step in lockstep, num_envs each).
  auto steps = [&] { return envs.total_steps() * world; };
  summary.teams = envs.spec().teams;
  auto start = Clock::now();
  try {
    EpisodeStats stats(envs.spec());
    std::vector<std::string> columns = {"env_steps", "episodes", "updates", "wall_s", "steps_per_s"};
    for (const auto& name : stats.column_names()) columns.push_back(name);
    for (const auto& name : train_names) columns.push_back(name);

    RunnerCounters counters;
    counters.train_sums.assign(train_names.size(), 0.0);
    counters.next_log = log_interval;
    counters.next_checkpoint = checkpoint_interval;
    counters.next_eval = eval_interval;
    std::unique_ptr<MetricsCsv> csv;
    std::unique_ptr<EvalCsv> eval_csv;
    if (options.resume) {
      const int mismatched = load_runner_state(runner_state, counters, envs, stats);
      if (mismatched > 0) {
        logger().warn("{} of {} envs replayed to other observations than were saved: env '{}' is not a function of "
                      "its reset seed and actions, so this run goes on validly but not identically to an "
                      "uninterrupted one", mismatched, envs.num_envs(), experiment.config.env_plugin);
      }
      summary.episodes = counters.episodes;
      summary.updates = counters.updates;
      start -= std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(counters.wall_seconds));
      // Rows past the checkpoint's last row were written after it (or are
      // the partial row of an interrupted run): they are written again.
      if (main) {
        csv = MetricsCsv::resume(options.run_dir / "metrics.csv", columns,
                                 static_cast<double>(counters.last_row_steps));
      }
      if (eval_episodes > 0 && main) {
        eval_csv = std::make_unique<EvalCsv>(options.run_dir / "eval.csv", envs.spec(),
                                             static_cast<double>(resumed.env_steps));
      }
      logger().info("resumed at env step {} from {}", resumed.env_steps, checkpoint_file.string());
    } else if (main) {
      csv = std::make_unique<MetricsCsv>(options.run_dir / "metrics.csv", columns);
      if (eval_episodes > 0) eval_csv = std::make_unique<EvalCsv>(options.run_dir / "eval.csv", envs.spec());
    }
    // A signal during an evaluation stops it and nothing of it is written.
    eval.should_stop = [] { return InterruptGuard::requested(); };

    // [run].eval_interval: greedy evaluation on its own envs (the Eval seed
    // stream, the same episodes each time) every eval_interval env steps.
    // Greedy acting draws nothing from the training generators, so a run's
    // metrics.csv is the same with and without it. One interrupted by a
    // signal is not counted as done: a resumed run does it first.
    auto periodic_evaluation = [&] {
      if (eval_interval == 0 || steps() < counters.next_eval) return;
      const EpisodeStats result = evaluate(experiment.env_factory(), *algorithm, eval);
      if (InterruptGuard::requested()) return;
      if (main) eval_csv->append(result, steps());
      counters.last_eval_steps = steps();
      while (counters.next_eval <= steps()) counters.next_eval += eval_interval;
      logger().info("greedy evaluation at env step {} over {} episodes: mean return {}", steps(),
                    result.count(), MetricsCsv::format(result.mean_return()));
    };

    auto last_checkpoint = Clock::now();
    const KeptCheckpoints kept(options.run_dir, static_cast<int>(run.get_int("keep_checkpoints")));
    auto checkpoint = [&] {
      header.env_steps = steps();
      counters.episodes = summary.episodes;
      counters.updates = summary.updates;
      counters.wall_seconds = seconds_since(start);
      std::string runner_state = save_runner_state(counters, envs, stats);
      if (workers.distributed()) {
        check_same_parameters(workers, *algorithm);
        // Every worker's own state goes into rank 0's file.
        WorkerState mine{std::move(runner_state), {}};
        if (!main) {
          std::ostringstream out;
          algorithm->save(out);
          mine.algorithm = out.str();
        }
        runner_state = bundle_worker_states(workers.all_gather(pack_worker_state(mine)));
      }
      if (main) {
        kept.before_replacing(checkpoint_file);
        save_checkpoint(checkpoint_file, header, *algorithm, runner_state);
      }
      status.checkpoint = "checkpoint.bin";
      last_checkpoint = Clock::now();
    };

    ProgressReporter progress(total_steps, options.live_progress);
    auto last_row_time = Clock::now();
    auto last_heartbeat = Clock::now();

    // Episodes of all workers (summary.episodes counts this worker's).
    uint64_t all_episodes = summary.episodes;
    auto count_all_episodes = [&] {
      if (!workers.distributed()) {
        all_episodes = summary.episodes;
        return;
      }
      double e = static_cast<double>(summary.episodes);
      workers.all_reduce_sum(&e, 1);
      all_episodes = static_cast<uint64_t>(e);
    };
    if (workers.distributed()) count_all_episodes();
    auto write_row = [&] {
      const uint64_t now = steps();
      const double interval_s = seconds_since(last_row_time);
      const double rate = interval_s > 0 ? (now - counters.last_row_steps) / interval_s : 0.0;
      // One row of all workers: their episodes, their train() metrics averaged.
      EpisodeStats row_stats = stats;
      std::vector<double> train_sums = counters.train_sums;
      if (workers.distributed()) {
        row_stats.all_reduce(workers);
        workers.all_reduce_mean(train_sums.data(), train_sums.size());
      }
      count_all_episodes();
      std::vector<double> row = {static_cast<double>(now), static_cast<double>(all_episodes),
                                 static_cast<double>(summary.updates), seconds_since(start), rate};
      for (double v : row_stats.column_values()) row.push_back(v);
      for (double s : train_sums) row.push_back(counters.train_count ? s / counters.train_count : NAN);
      if (main) csv->append(row);
      summary.final_return = row_stats.mean_return();
      summary.final_team_returns = team_returns(row_stats, envs.spec());
      std::ostringstream text;
      text << "episodes " << all_episodes << ", return " << fmt::format("{:.4g}", row_stats.mean_return());
      progress.interval(now, rate, text.str());
      stats.clear();
      std::fill(counters.train_sums.begin(), counters.train_sums.end(), 0.0);
      counters.train_count = 0;
      counters.last_row_steps = now;
      last_row_time = Clock::now();
    };

    if (!options.resume) envs.reset();
    const InterruptGuard interrupt_guard;
    if (options.resume) periodic_evaluation();  // one a signal cut short
    LoopOptions loop;
    loop.mode = ActMode::Explore;
    loop.algorithm_name = algorithm_name;
    loop.workers = &workers;
    LoopHooks hooks;
    // Workers must stop and take wall-time checkpoints at the same step: a
    // signal (to any of them) and rank 0's checkpoint clock are shared every
    // kSyncSteps vector steps (one small all-reduce).
    constexpr uint64_t kSyncSteps = 32;
    bool stop_requested = false, checkpoint_due = false;
    auto sync_workers = [&] {
      double flags[2] = {InterruptGuard::requested() ? 1.0 : 0.0,
                         main && checkpoint_seconds > 0 && seconds_since(last_checkpoint) >= checkpoint_seconds ? 1.0
                                                                                                               : 0.0};
      workers.all_reduce_max(flags, 2);
      stop_requested = flags[0] > 0;
      checkpoint_due = flags[1] > 0;
    };
    hooks.stop = [&] {
      if (steps() >= total_steps) return true;
      if (!(workers.distributed() ? stop_requested : InterruptGuard::requested())) return false;
      summary.interrupted = true;
      logger().warn("interrupted at env step {}: writing the last metrics row and a checkpoint", steps());
      return true;
    };
    hooks.on_episode = [&](const EpisodeRecord& episode) {
      stats.add(episode);
      ++summary.episodes;
    };
    hooks.on_update = [&](const std::vector<double>& values) {
      for (size_t i = 0; i < values.size(); ++i) counters.train_sums[i] += values[i];
      ++counters.train_count;
      ++summary.updates;
    };
    hooks.after_step = [&] {
      progress.tick(steps());
      if (workers.distributed()) {
        checkpoint_due = false;
        if (envs.total_steps() % kSyncSteps == 0) sync_workers();
      } else {
        checkpoint_due = checkpoint_seconds > 0 && seconds_since(last_checkpoint) >= checkpoint_seconds;
      }
      // Progress and a heartbeat in run.json every 10 s of wall time.
      if (main && seconds_since(last_heartbeat) >= 10.0) {
        status.env_steps = steps();
        status.episodes = workers.distributed() ? all_episodes : summary.episodes;
        status.updates = summary.updates;
        status.wall_seconds = seconds_since(start);
        save_status();
        last_heartbeat = Clock::now();
      }
      if (steps() >= counters.next_log) {
        write_row();
        while (counters.next_log <= steps()) counters.next_log += log_interval;
      }
      periodic_evaluation();
      if (checkpoint_interval > 0 && steps() >= counters.next_checkpoint) {
        while (counters.next_checkpoint <= steps()) counters.next_checkpoint += checkpoint_interval;
        checkpoint();
      } else if (checkpoint_due) {
        // Wall-time checkpoints bound what a kill loses; they write files
        // only, so where they fall never changes the run's numbers.
        checkpoint();
      }
    };
    summary.update_seconds = run_steps(envs, *algorithm, loop, hooks).train_seconds;
    summary.update_gemms = algorithm->update_gemms();
    if (summary.interrupted) {
      // The checkpoint before the partial row, so that a resumed run writes
      // the rows an uninterrupted one would (the partial row is cut off then).
      checkpoint();
      if (steps() > counters.last_row_steps) write_row();
    } else {
      if (steps() > counters.last_row_steps) write_row();
      checkpoint();
    }
    progress.finish();

    count_all_episodes();
    summary.episodes = all_episodes;
    summary.env_steps = steps();
    summary.wall_seconds = seconds_since(start);
    summary.steps_per_second = summary.wall_seconds > 0 ? summary.env_steps / summary.wall_seconds : 0;

    // A signal during the final evaluation stops it: the run is then
    // "interrupted" and its partial evaluation is not written.
    const auto evaluation_interrupted = [&] {
      if (!InterruptGuard::requested()) return false;
      summary.interrupted = true;
      logger().warn("interrupted during the final evaluation: eval.csv not written");
      return true;
    };
    if (eval_episodes > 0 && !summary.interrupted) {
      const EpisodeStats result = evaluate(experiment.env_factory(), *algorithm, eval);
      if (!evaluation_interrupted()) {
        // Not twice at the same step: a periodic evaluation may have just run.
        if (main && counters.last_eval_steps != summary.env_steps) eval_csv->append(result, summary.env_steps);
        summary.eval_episodes = result.count();
        summary.eval_return = result.mean_return();
        summary.eval_team_returns = team_returns(result, envs.spec());
        logger().info("greedy evaluation over {} episodes: mean return {}", result.count(),
                      MetricsCsv::format(result.mean_return()));
      }
      if (baseline && !summary.interrupted) {
        const EpisodeStats base = evaluate(experiment.env_factory(), *baseline, eval);
        if (!evaluation_interrupted()) {
          if (main) EvalCsv(options.run_dir / "eval_baseline.csv", envs.spec()).append(base, summary.env_steps);
          summary.baseline_return = base.mean_return();
          summary.baseline_team_returns = team_returns(base, envs.spec());
          logger().info("baseline '{}' on the same {} episodes: mean return {}",
                        experiment.config.run.get_string("eval_baseline"), base.count(),
                        MetricsCsv::format(base.mean_return()));
        }
      }
    }
  } catch (const std::exception& e) {
    status.status = "failed";
    status.error = e.what();
    status.env_steps = steps();
    status.episodes = summary.episodes;
    status.updates = summary.updates;
    status.wall_seconds = seconds_since(start);
    try {
      save_status();
    } catch (const std::exception& also) {
      // The first error is the cause (a full disk fails this write too).
      logger().error("could not mark the run failed in run.json: {}", also.what());
    }
    logger().error("run failed: {}", e.what());
    throw;
  }

  status.status = summary.interrupted ? "interrupted" : "completed";
  status.env_steps = summary.env_steps;
  status.episodes = summary.episodes;
  status.updates = summary.updates;
  status.wall_seconds = summary.wall_seconds;
  save_status();
  logger().info("done: {} env steps, {} episodes, {} updates in {:.1f} s ({:.0f} env steps/s)",
                summary.env_steps, summary.episodes, summary.updates, summary.wall_seconds,
                summary.steps_per_second);
  return summary;
}

}  // namespace marl
