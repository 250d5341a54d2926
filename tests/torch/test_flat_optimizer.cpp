// FlatOptimizer: same trajectory as torch::optim::{Adam,RMSprop} +
// clip_grad_norm_, grads that stay views of the flat buffer, checkpoint round
// trip, refusal of unsupported parameters and mismatched checkpoints.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "catch_torch.h"
#include "marl/error.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/flat_optimizer.h"
#include "marl/torch/generator.h"
#include "marl/torch/gru_block.h"
#include "marl/torch/mlp.h"

namespace {

using Kind = marl::FlatOptimizerConfig::Kind;

marl::Mlp make_mlp(uint64_t seed, int64_t hidden = 64) {
  auto gen = marl::make_generator(seed);
  marl::MlpConfig cfg;
  cfg.input_size = 6;
  cfg.hidden_sizes = {hidden, hidden};
  cfg.output_size = 3;
  return marl::Mlp(cfg, gen);
}

// A regression batch drawn from a fixed stream, so both learners see the same data.
struct Data {
  torch::Generator gen = marl::make_generator(99);
  std::pair<torch::Tensor, torch::Tensor> next() {
    torch::Tensor x = torch::randn({32, 6}, gen);
    torch::Tensor y = torch::randn({32, 3}, gen) * 3.0;
    return {x, y};
  }
};

torch::Tensor loss_of(marl::Mlp& net, const torch::Tensor& x, const torch::Tensor& y) {
  return (net->forward(x) - y).pow(2).mean();
}

// Max over tensors of the relative error ||a - b|| / ||b||. (Per-element
// relative error is not meaningful here: with clipping active, the norm's
// float32 summation order differs from torch's, which leaves 1-2 ulp
// differences that are ~1e-6 of a small bias's largest element: measured up
// to 7e-7 on one machine and 1.3e-6 on an AMD EPYC, whose BLAS kernels sum in
// another order. A wrong update formula is off by 1e-2 or more, so the
// checks allow kSameArithmetic = 1e-5.)
constexpr double kSameArithmetic = 1e-5;
double max_rel_diff(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  REQUIRE(a.size() == b.size());
  double worst = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double scale = std::max(b[i].norm().item<double>(), 1e-12);
    worst = std::max(worst, (a[i] - b[i]).norm().item<double>() / scale);
  }
  return worst;
}

torch::Tensor cat_grads(const std::vector<torch::Tensor>& params) {
  std::vector<torch::Tensor> flat;
  for (const auto& p : params) flat.push_back(p.grad().reshape({-1}));
  return torch::cat(flat);
}

bool grads_are_views(const marl::FlatOptimizer& opt) {
  const float* base = opt.flat_grad().data_ptr<float>();
  for (size_t i = 0; i < opt.params().size(); ++i) {
    const torch::Tensor& g = opt.params()[i].grad();
    if (!g.defined() || g.data_ptr() != base + opt.offsets()[i] ||
        !g.is_alias_of(opt.flat_grad())) {
      return false;
    }
  }
  return true;
}

struct Comparison {
  double max_rel_diff = 0.0;  // parameters after the last step
  int clipped_steps = 0;      // updates where the grad norm exceeded max_norm
};

// Trains `ref` with a torch optimizer and `flat` with FlatOptimizer for `steps`
// updates on the same batches.
Comparison compare_trajectories(torch::optim::Optimizer& torch_opt, marl::Mlp& ref,
                                marl::FlatOptimizer& flat_opt, marl::Mlp& flat, double max_norm,
                                int steps) {
  Data data;
  Comparison result;
  for (int i = 0; i < steps; ++i) {
    const auto [x, y] = data.next();
    torch_opt.zero_grad();
    loss_of(ref, x, y).backward();
    const double ref_norm = torch::nn::utils::clip_grad_norm_(ref->parameters(), max_norm);
    torch_opt.step();

    flat_opt.zero_grad();
    loss_of(flat, x, y).backward();
    const double flat_norm = flat_opt.clip_grad_norm(max_norm).item<double>();
    flat_opt.step();
    CHECK(flat_norm == Approx(ref_norm).epsilon(1e-5));
    if (ref_norm > max_norm) ++result.clipped_steps;
  }
  CHECK(flat_opt.step_count() == steps);
  result.max_rel_diff = max_rel_diff(flat->parameters(), ref->parameters());
  return result;
}

}  // namespace

TEST_CASE("FlatOptimizer Adam matches torch::optim::Adam + clip_grad_norm_",
          "[torch][flat_optimizer]") {
  const double weight_decay = GENERATE(0.0, 0.01);
  const double max_norm = GENERATE(0.1, 1e3);  // clipping active / inactive
  CAPTURE(weight_decay, max_norm);
  marl::Mlp ref = make_mlp(7);
  marl::Mlp flat = make_mlp(7);
  torch::optim::Adam torch_opt(ref->parameters(),
                               torch::optim::AdamOptions(1e-2).weight_decay(weight_decay));
  marl::FlatOptimizerConfig cfg;
  cfg.lr = 1e-2;
  cfg.weight_decay = weight_decay;
  marl::FlatOptimizer flat_opt(flat->parameters(), cfg);
  const Comparison c = compare_trajectories(torch_opt, ref, flat_opt, flat, max_norm, 20);
  CHECK(c.max_rel_diff < kSameArithmetic);
  CHECK((max_norm < 1.0 ? c.clipped_steps == 20 : c.clipped_steps == 0));
}

TEST_CASE("FlatOptimizer RMSprop matches torch::optim::RMSprop", "[torch][flat_optimizer]") {
  const double weight_decay = GENERATE(0.0, 0.01);
  CAPTURE(weight_decay);
  marl::Mlp ref = make_mlp(8);
  marl::Mlp flat = make_mlp(8);
  torch::optim::RMSprop torch_opt(
      ref->parameters(),
      torch::optim::RMSpropOptions(5e-4).alpha(0.99).eps(1e-5).weight_decay(weight_decay));
  marl::FlatOptimizerConfig cfg;
  cfg.kind = Kind::RMSprop;
  cfg.lr = 5e-4;
  cfg.alpha = 0.99;
  cfg.eps = 1e-5;
  cfg.weight_decay = weight_decay;
  marl::FlatOptimizer flat_opt(flat->parameters(), cfg);
  const Comparison c = compare_trajectories(torch_opt, ref, flat_opt, flat, 1.0, 20);
  CHECK(c.max_rel_diff < kSameArithmetic);
  CHECK(c.clipped_steps > 0);
}

TEST_CASE("FlatOptimizer clip_grad_norm returns torch's norm and scales identically",
          "[torch][flat_optimizer]") {
  const double max_norm = GENERATE(0.05, 1e6);
  CAPTURE(max_norm);
  marl::Mlp ref = make_mlp(3);
  marl::Mlp flat = make_mlp(3);
  marl::FlatOptimizer opt(flat->parameters());
  Data data;
  const auto [x, y] = data.next();
  loss_of(ref, x, y).backward();
  loss_of(flat, x, y).backward();
  const torch::Tensor before = opt.flat_grad().clone();
  CHECK(torch::equal(before, cat_grads(ref->parameters())));

  const double ref_norm = torch::nn::utils::clip_grad_norm_(ref->parameters(), max_norm);
  const torch::Tensor norm = opt.clip_grad_norm(max_norm);
  CHECK(norm.dim() == 0);
  CHECK(norm.item<double>() == Approx(ref_norm).epsilon(1e-6));
  CHECK(norm.item<double>() == Approx(before.norm().item<double>()).epsilon(1e-6));
  const torch::Tensor expected = cat_grads(ref->parameters());
  CHECK(torch::allclose(opt.flat_grad(), expected, 1e-6, 1e-12));
  if (max_norm > ref_norm) CHECK(torch::equal(opt.flat_grad(), before));  // scale exactly 1
  if (max_norm < ref_norm) {
    CHECK(opt.flat_grad().norm().item<double>() == Approx(max_norm).epsilon(1e-5));
  }
  CHECK(grads_are_views(opt));
}

TEST_CASE("FlatOptimizer keeps parameters and grads in its flat buffers",
          "[torch][flat_optimizer]") {
  marl::Mlp net = make_mlp(5, 16);
  marl::Mlp ref = make_mlp(5, 16);
  const auto named = net->named_parameters();
  std::vector<const c10::TensorImpl*> impls;
  std::vector<torch::Tensor> values;
  for (const auto& p : named) {
    impls.push_back(p.value().unsafeGetTensorImpl());
    values.push_back(p.value().detach().clone());
  }
  marl::FlatOptimizer opt(net->parameters());
  REQUIRE(opt.params().size() == named.size());
  CHECK(opt.flat_params().numel() == opt.offsets().back() + opt.params().back().numel());

  // Same tensor objects, same values, now slices of flat_params.
  const auto after = net->named_parameters();
  for (size_t i = 0; i < after.size(); ++i) {
    CHECK(after[i].value().unsafeGetTensorImpl() == impls[i]);
    CHECK(torch::equal(after[i].value(), values[i]));
    CHECK(after[i].value().is_alias_of(opt.flat_params()));
    CHECK(after[i].value().requires_grad());
  }
  CHECK(grads_are_views(opt));

  Data data;
  for (int cycle = 0; cycle < 3; ++cycle) {
    CAPTURE(cycle);
    if (cycle == 2) {
      net->zero_grad();  // Module::zero_grad zeroes in place by default
    } else {
      opt.zero_grad();
    }
    CHECK(opt.flat_grad().abs().sum().item<double>() == 0.0);
    {  // ref: same values, ordinary (freshly allocated) grads
      torch::NoGradGuard no_grad;
      const auto src = net->parameters();
      auto dst = ref->parameters();
      for (size_t i = 0; i < dst.size(); ++i) {
        dst[i].copy_(src[i]);
        dst[i].mutable_grad() = torch::Tensor();
      }
    }
    const auto [x, y] = data.next();
    loss_of(net, x, y).backward();
    loss_of(ref, x, y).backward();
    CHECK(grads_are_views(opt));
    CHECK(torch::equal(opt.flat_grad(), cat_grads(net->parameters())));
    CHECK(torch::equal(opt.flat_grad(), cat_grads(ref->parameters())));
    // A second backward accumulates, as with ordinary grads.
    loss_of(net, x, y).backward();
    CHECK(grads_are_views(opt));
    CHECK(torch::allclose(opt.flat_grad(), 2.0 * cat_grads(ref->parameters())));
    opt.step();
  }

  // read_module copies in place, i.e. into the flat buffer.
  marl::Mlp other = make_mlp(6, 16);
  std::stringstream ss;
  marl::TorchStateWriter w;
  w.write_module("net", *other);
  w.save(ss);
  marl::TorchStateReader r(ss);
  r.read_module("net", *net);
  std::vector<torch::Tensor> flat;
  for (const auto& p : other->parameters()) flat.push_back(p.reshape({-1}));
  CHECK(torch::equal(opt.flat_params(), torch::cat(flat)));
}

TEST_CASE("FlatOptimizer save/load restores the next step exactly", "[torch][flat_optimizer]") {
  const Kind kind = GENERATE(Kind::Adam, Kind::RMSprop);
  CAPTURE(static_cast<int>(kind));
  marl::FlatOptimizerConfig cfg;
  cfg.kind = kind;
  cfg.weight_decay = 1e-3;
  Data data;
  const auto train = [&data](marl::Mlp& net, marl::FlatOptimizer& opt) {
    const auto [x, y] = data.next();
    opt.zero_grad();
    loss_of(net, x, y).backward();
    opt.clip_grad_norm(0.5);
    opt.step();
  };

  marl::Mlp a = make_mlp(1, 32);
  marl::FlatOptimizer oa(a->parameters(), cfg);
  for (int i = 0; i < 5; ++i) train(a, oa);
  oa.set_lr(3e-3);
  std::stringstream out;
  marl::TorchStateWriter w;
  w.write_module("net", *a);
  oa.save(w, "opt");
  w.save(out);
  const std::string bytes = out.str();

  marl::Mlp b = make_mlp(2, 32);
  marl::FlatOptimizer ob(b->parameters(), cfg);
  {
    std::istringstream in(bytes);
    marl::TorchStateReader r(in);
    r.read_module("net", *b);
    ob.load(r, "opt");
  }
  CHECK(ob.step_count() == 5);
  CHECK(ob.lr() == 3e-3);
  CHECK(torch::equal(ob.flat_params(), oa.flat_params()));

  // Both see the same batch next.
  const torch::Tensor before = oa.flat_params().clone();
  const torch::Generator saved_gen = data.gen.clone();
  train(a, oa);
  data.gen = saved_gen.clone();
  train(b, ob);
  CHECK_FALSE(torch::equal(oa.flat_params(), before));
  CHECK(torch::equal(ob.flat_params(), oa.flat_params()));

  SECTION("another parameter count is refused, naming the entry, and changes nothing") {
    marl::Mlp c = make_mlp(3, 16);
    marl::FlatOptimizer oc(c->parameters(), cfg);
    std::istringstream in(bytes);
    marl::TorchStateReader r(in);
    const std::string entry = kind == Kind::Adam ? "opt/exp_avg" : "opt/square_avg";
    CHECK_THROWS_AS(oc.load(r, "opt"), marl::ConfigError);
    std::istringstream in2(bytes);
    marl::TorchStateReader r2(in2);
    CHECK_THROWS_WITH(oc.load(r2, "opt"), Catch::Contains(entry));
    CHECK(oc.step_count() == 0);
    CHECK(oc.lr() == cfg.lr);
  }
  SECTION("another optimizer kind is refused") {
    marl::FlatOptimizerConfig other = cfg;
    other.kind = kind == Kind::Adam ? Kind::RMSprop : Kind::Adam;
    marl::Mlp c = make_mlp(3, 32);
    marl::FlatOptimizer oc(c->parameters(), other);
    std::istringstream in(bytes);
    marl::TorchStateReader r(in);
    CHECK_THROWS_WITH(oc.load(r, "opt"), Catch::Contains("opt/kind"));
  }
}

TEST_CASE("FlatOptimizer refuses parameters it cannot flatten", "[torch][flat_optimizer]") {
  CHECK_THROWS_AS(marl::FlatOptimizer(std::vector<torch::Tensor>{}), marl::ContractError);
  CHECK_THROWS_AS(marl::FlatOptimizer({torch::zeros({3}).set_requires_grad(false)}),
                  marl::ContractError);
  CHECK_THROWS_WITH(
      marl::FlatOptimizer({torch::zeros({3}, torch::kFloat64).set_requires_grad(true)}),
      Catch::Contains("float32"));
  CHECK_THROWS_WITH(marl::FlatOptimizer({torch::zeros({3, 4}).t().set_requires_grad(true)}),
                    Catch::Contains("contiguous"));
  marl::FlatOptimizerConfig bad;
  bad.lr = -1.0;
  CHECK_THROWS_AS(marl::FlatOptimizer({torch::zeros({3}).set_requires_grad(true)}, bad),
                  marl::ConfigError);

  SECTION("frozen parameters are skipped, duplicates counted once") {
    torch::nn::Linear lin(4, 2);
    lin->bias.set_requires_grad(false);
    const torch::Tensor bias_before = lin->bias.detach().clone();
    marl::FlatOptimizer opt({lin->weight, lin->bias, lin->weight});
    CHECK(opt.params().size() == 1);
    CHECK(opt.flat_params().numel() == 8);
    CHECK_FALSE(lin->bias.is_alias_of(opt.flat_params()));
    lin->forward(torch::ones({1, 4})).sum().backward();
    opt.step();
    CHECK(torch::equal(lin->bias, bias_before));
  }
  SECTION("a grad replaced behind its back is reported, not silently ignored") {
    torch::nn::Linear lin(4, 2);
    marl::FlatOptimizer opt(lin->parameters());
    lin->weight.mutable_grad() = torch::Tensor();  // e.g. zero_grad(set_to_none=true)
    lin->forward(torch::ones({1, 4})).sum().backward();
    CHECK_THROWS_AS(opt.step(), marl::ContractError);
    CHECK_THROWS_WITH(opt.clip_grad_norm(1.0), Catch::Contains("flat buffer"));
  }
}

// torch::nn::GRU keeps its own list of weight tensors for the fused kernel;
// the re-pointed parameters must be the ones it computes with, or a GRU
// would silently stop learning.
TEST_CASE("FlatOptimizer trains a GRU like torch::optim::Adam", "[torch][flat_optimizer]") {
  auto make = [] {
    torch::Generator gen = marl::make_generator(5);
    marl::GruConfig c;
    c.input_size = 3;
    c.hidden_size = 4;
    return marl::GruBlock(c, gen);
  };
  marl::GruBlock flat_net = make(), ref_net = make();
  marl::FlatOptimizerConfig oc;
  oc.lr = 1e-2;
  marl::FlatOptimizer flat(flat_net->parameters(), oc);
  torch::optim::Adam ref(ref_net->parameters(), torch::optim::AdamOptions(1e-2));
  torch::Generator data_gen = marl::make_generator(9);
  const auto x = torch::randn({6, 2, 3}, data_gen);
  for (int step = 0; step < 5; ++step) {
    flat.zero_grad();
    flat_net->sequence(x, flat_net->initial_hidden(2)).output.pow(2).sum().backward();
    flat.step();
    ref.zero_grad();
    ref_net->sequence(x, ref_net->initial_hidden(2)).output.pow(2).sum().backward();
    ref.step();
  }
  torch::NoGradGuard no_grad;
  const auto a = flat_net->sequence(x, flat_net->initial_hidden(2)).output;
  const auto b = ref_net->sequence(x, ref_net->initial_hidden(2)).output;
  CHECK(torch::allclose(a, b, 1e-5, 1e-6));
}
