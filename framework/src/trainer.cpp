#include "marl/host/trainer.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include <spdlog/spdlog.h>

#include "atomic_file.h"
#include "marl/checkpoint.h"
#include "marl/host/episode_stats.h"
#include "marl/error.h"
#include "marl/host/evaluator.h"
#include "marl/host/interrupt.h"
#include "logging.h"
#include "marl/host/metrics_csv.h"
#include "marl/host/progress.h"
#include "marl/host/run_loop.h"
#include "marl/host/run_status.h"
#include "run_dir_lock.h"

namespace marl {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Writes an evaluation's means to `file` with the metrics.csv writer (what
// eval.csv and eval_baseline.csv hold): env_steps (of training so far),
// episodes, then the episode statistics.
void write_eval_csv(const EpisodeStats& result, uint64_t env_steps, const std::filesystem::path& file) {
  std::vector<std::string> columns = {"env_steps", "episodes"};
  std::vector<double> row = {static_cast<double>(env_steps), static_cast<double>(result.count())};
  for (const auto& name : result.column_names()) columns.push_back(name);
  for (double v : result.column_values()) row.push_back(v);
  MetricsCsv csv(file, columns);
  csv.append(row);
}

std::vector<double> team_returns(const EpisodeStats& stats, const EnvSpec& spec) {
  std::vector<double> returns;
  for (int k = 0; k < spec.num_teams(); ++k) returns.push_back(stats.team_mean_return(k));
  return returns;
}

// Sums of the algorithm's train() metrics over one log interval.
struct TrainMetricSums {
  std::vector<double> sum;
  int count = 0;
  void clear() {
    std::fill(sum.begin(), sum.end(), 0.0);
    count = 0;
  }
};

}  // namespace

TrainSummary train(const Experiment& experiment, const TrainOptions& options) {
  const Params& run = experiment.config.run;
  const uint64_t total_steps = static_cast<uint64_t>(run.get_int("env_steps"));
  const uint64_t log_interval = static_cast<uint64_t>(run.get_int("log_interval"));
  const uint64_t checkpoint_interval = static_cast<uint64_t>(run.get_int("checkpoint_interval"));
  const double checkpoint_seconds = 60.0 * run.get_double("checkpoint_minutes");
  const int eval_episodes = static_cast<int>(run.get_int("eval_episodes"));

  // Everything that can fail on bad plugins happens before the run dir exists.
  VectorEnvConfig env_config;
  env_config.num_envs = static_cast<int>(run.get_int("num_envs"));
  env_config.threads = static_cast<int>(run.get_int("threads"));
  env_config.seed = options.seed;
  env_config.env_name = experiment.config.env_plugin;
  env_config.checked_steps = run.get_int("check_env_steps");
  VectorEnv envs(experiment.env_factory(), env_config);
  std::shared_ptr<Algorithm> algorithm = experiment.algorithm_plugin->make_algorithm(
      experiment.algorithm_context(envs.spec(), envs.num_envs(), options.seed));
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

  const RunDirLock run_dir_lock(options.run_dir);  // created atomically, held until the run returns
  write_file_atomic(options.run_dir / "config.toml", experiment.config_toml(options.seed));
  RunStatus status;
  status.experiment = experiment.name;
  status.source = experiment.source;
  status.seed = options.seed;
  status.pid = ::getpid();
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  status.host = host;
  status.started = utc_timestamp();
  write_run_status(options.run_dir, status);
  LogFileScope log_file(options.run_dir / "log.txt");

  const std::string& algorithm_name = experiment.config.algorithm_plugin;
  CheckpointHeader header{algorithm_name, experiment.algorithm_plugin->record().version,
                          experiment.config.env_plugin, 0, options.seed};
  auto checkpoint = [&] {
    header.env_steps = envs.total_steps();
    save_checkpoint(options.run_dir / "checkpoint.bin", header, *algorithm);
    status.checkpoint = "checkpoint.bin";
  };

  logger().info("run '{}' seed {}: env '{}' x{} ({} agents), algorithm '{}', {} env steps -> {}",
                experiment.name, options.seed, experiment.config.env_plugin, envs.num_envs(),
                envs.num_agents(), algorithm_name, total_steps, options.run_dir.string());

  TrainSummary summary;
  summary.teams = envs.spec().teams;
  const auto start = Clock::now();
  try {
    EpisodeStats stats(envs.spec());
    std::vector<std::string> columns = {"env_steps", "episodes", "updates", "wall_s", "steps_per_s"};
    for (const auto& name : stats.column_names()) columns.push_back(name);
    for (const auto& name : train_names) columns.push_back(name);
    MetricsCsv csv(options.run_dir / "metrics.csv", columns);

    TrainMetricSums train_sums;
    train_sums.sum.assign(train_names.size(), 0.0);
    ProgressReporter progress(total_steps, options.live_progress);
    uint64_t next_log = log_interval;
    uint64_t next_checkpoint = checkpoint_interval;
    uint64_t last_row_steps = 0;
    auto last_row_time = Clock::now();
    auto last_heartbeat = Clock::now();
    auto last_checkpoint = Clock::now();

    auto write_row = [&] {
      const uint64_t steps = envs.total_steps();
      const double interval_s = seconds_since(last_row_time);
      const double rate = interval_s > 0 ? (steps - last_row_steps) / interval_s : 0.0;
      std::vector<double> row = {static_cast<double>(steps), static_cast<double>(summary.episodes),
                                 static_cast<double>(summary.updates), seconds_since(start), rate};
      for (double v : stats.column_values()) row.push_back(v);
      for (double s : train_sums.sum) row.push_back(train_sums.count ? s / train_sums.count : NAN);
      csv.append(row);
      summary.final_return = stats.mean_return();
      summary.final_team_returns = team_returns(stats, envs.spec());
      std::ostringstream text;
      text << "episodes " << summary.episodes << ", return " << fmt::format("{:.4g}", stats.mean_return());
      progress.interval(steps, rate, text.str());
      stats.clear();
      train_sums.clear();
      last_row_steps = steps;
      last_row_time = Clock::now();
    };

    envs.reset();
    const InterruptGuard interrupt_guard;
    LoopOptions loop;
    loop.mode = ActMode::Explore;
    loop.algorithm_name = algorithm_name;
    LoopHooks hooks;
    hooks.stop = [&] {
      if (envs.total_steps() >= total_steps) return true;
      if (!InterruptGuard::requested()) return false;
      summary.interrupted = true;
      logger().warn("interrupted at env step {}: writing the last metrics row and a checkpoint", envs.total_steps());
      return true;
    };
    hooks.on_episode = [&](const EpisodeRecord& episode) {
      stats.add(episode);
      ++summary.episodes;
    };
    hooks.on_update = [&](const std::vector<double>& values) {
      for (size_t i = 0; i < values.size(); ++i) train_sums.sum[i] += values[i];
      ++train_sums.count;
      ++summary.updates;
    };
    hooks.after_step = [&] {
      progress.tick(envs.total_steps());
      // Progress and a heartbeat in run.json every 10 s of wall time.
      if (seconds_since(last_heartbeat) >= 10.0) {
        status.env_steps = envs.total_steps();
        status.episodes = summary.episodes;
        status.updates = summary.updates;
        status.wall_seconds = seconds_since(start);
        write_run_status(options.run_dir, status);
        last_heartbeat = Clock::now();
      }
      if (envs.total_steps() >= next_log) {
        write_row();
        while (next_log <= envs.total_steps()) next_log += log_interval;
      }
      if (checkpoint_interval > 0 && envs.total_steps() >= next_checkpoint) {
        checkpoint();
        last_checkpoint = Clock::now();
        while (next_checkpoint <= envs.total_steps()) next_checkpoint += checkpoint_interval;
      } else if (checkpoint_seconds > 0 && seconds_since(last_checkpoint) >= checkpoint_seconds) {
        // Wall-time checkpoints bound what a kill loses; they write files only.
        checkpoint();
        last_checkpoint = Clock::now();
      }
    };
    run_steps(envs, *algorithm, loop, hooks);
    if (envs.total_steps() > last_row_steps) write_row();
    progress.finish();
    checkpoint();

    summary.env_steps = envs.total_steps();
    summary.wall_seconds = seconds_since(start);
    summary.steps_per_second = summary.wall_seconds > 0 ? summary.env_steps / summary.wall_seconds : 0;

    // A signal during the final evaluation stops it: the run is then
    // "interrupted" and its partial evaluation is not written.
    eval.should_stop = [] { return InterruptGuard::requested(); };
    const auto evaluation_interrupted = [&] {
      if (!InterruptGuard::requested()) return false;
      summary.interrupted = true;
      logger().warn("interrupted during the final evaluation: eval.csv not written");
      return true;
    };
    if (eval_episodes > 0 && !summary.interrupted) {
      const EpisodeStats result = evaluate(experiment.env_factory(), *algorithm, eval);
      if (!evaluation_interrupted()) {
        write_eval_csv(result, summary.env_steps, options.run_dir / "eval.csv");
        summary.eval_episodes = result.count();
        summary.eval_return = result.mean_return();
        summary.eval_team_returns = team_returns(result, envs.spec());
        logger().info("greedy evaluation over {} episodes: mean return {}", result.count(),
                      MetricsCsv::format(result.mean_return()));
      }
      if (baseline && !summary.interrupted) {
        const EpisodeStats base = evaluate(experiment.env_factory(), *baseline, eval);
        if (!evaluation_interrupted()) {
          write_eval_csv(base, summary.env_steps, options.run_dir / "eval_baseline.csv");
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
    status.env_steps = envs.total_steps();
    status.episodes = summary.episodes;
    status.updates = summary.updates;
    status.wall_seconds = seconds_since(start);
    try {
      write_run_status(options.run_dir, status);
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
  write_run_status(options.run_dir, status);
  logger().info("done: {} env steps, {} episodes, {} updates in {:.1f} s ({:.0f} env steps/s)",
                summary.env_steps, summary.episodes, summary.updates, summary.wall_seconds,
                summary.steps_per_second);
  return summary;
}

}  // namespace marl
