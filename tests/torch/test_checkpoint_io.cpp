// TorchStateWriter/Reader: round trip of modules, optimizer state, tensors,
// scalars and generators; refusal of incompatible checkpoints.
#include "catch_torch.h"

#include <cmath>
#include <sstream>
#include <string>

#include "marl/error.h"
#include "marl/torch/checkpoint_io.h"
#include "marl/torch/generator.h"
#include "marl/torch/gru_block.h"
#include "marl/torch/mlp.h"
#include "marl/torch/value_norm.h"

namespace {

struct Learner {
  torch::Generator gen;
  marl::Mlp actor;
  marl::GruBlock gru;
  marl::ValueNorm norm;
  torch::optim::Adam optim;

  explicit Learner(uint64_t seed, int64_t hidden = 16)
      : gen(marl::make_generator(seed)),
        actor(marl::MlpConfig{6, {hidden, hidden}, 3}, gen),
        gru(marl::GruConfig{6, 8}, gen),
        optim(params(), torch::optim::AdamOptions(1e-3)) {}

  std::vector<torch::Tensor> params() {
    auto p = actor->parameters();
    for (auto& q : gru->parameters()) p.push_back(q);
    return p;
  }
  void train_step(const torch::Tensor& x) {
    optim.zero_grad();
    const auto h = gru->step(x, gru->initial_hidden(x.size(0))).output;
    const torch::Tensor loss = actor->forward(x).pow(2).mean() + h.pow(2).mean();
    loss.backward();
    optim.step();
    norm->update(loss.detach());
  }
  void save(std::ostream& out) const {
    marl::TorchStateWriter w;
    w.write_module("actor", *actor);
    w.write_module("gru", *gru);
    w.write_module("norm", *norm);
    w.write_optimizer("optim", optim);
    w.write_generator("gen", gen);
    w.write_int("updates", 7);
    w.write_double("epsilon", 0.25);
    w.write_tensor("extra", torch::arange(4));
    w.save(out);
  }
  void load(std::istream& in) {
    marl::TorchStateReader r(in);
    r.read_module("actor", *actor);
    r.read_module("gru", *gru);
    r.read_module("norm", *norm);
    r.read_optimizer("optim", optim);
    r.read_generator("gen", gen);
  }
};

bool same(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!torch::equal(a[i], b[i])) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("a learner round trip restores parameters, optimizer and generator state",
          "[torch][checkpoint]") {
  auto data_gen = marl::make_generator(100);
  const torch::Tensor x = torch::randn({5, 6}, data_gen);
  Learner a(1);
  for (int i = 0; i < 3; ++i) a.train_step(x);

  std::stringstream stream;
  stream << "MARL-CHECKPOINT 1\nalgorithm=test\n\n";  // the core's text header comes first
  a.save(stream);
  stream << "trailing bytes that belong to someone else";

  Learner b(2);
  REQUIRE_FALSE(same(a.params(), b.params()));
  std::string line;
  for (int i = 0; i < 3; ++i) std::getline(stream, line);
  b.load(stream);
  CHECK(same(a.params(), b.params()));
  CHECK(torch::equal(a.norm->mean_var().first, b.norm->mean_var().first));
  CHECK(a.gen.get_state().equal(b.gen.get_state()));
  std::getline(stream, line);
  CHECK(line == "trailing bytes that belong to someone else");

  // Identical next updates prove Adam's moments and step counts came back.
  a.train_step(x);
  b.train_step(x);
  CHECK(same(a.params(), b.params()));
  Learner fresh_optimizer(2);
  std::stringstream again;
  a.save(again);
  {
    marl::TorchStateReader r(again);
    r.read_module("actor", *fresh_optimizer.actor);
    r.read_module("gru", *fresh_optimizer.gru);
  }
  a.train_step(x);
  fresh_optimizer.train_step(x);
  CHECK_FALSE(same(a.params(), fresh_optimizer.params()));
}

TEST_CASE("checkpoint entries, names and refusals", "[torch][checkpoint]") {
  SECTION("scalars and tensors round trip, names are checked") {
    Learner a(3);
    std::stringstream stream;
    a.save(stream);
    marl::TorchStateReader r(stream);
    CHECK(r.has("updates"));
    CHECK(r.has("actor"));
    CHECK_FALSE(r.has("critic"));
    CHECK(r.read_int("updates") == 7);
    CHECK(r.read_double("epsilon") == 0.25);
    CHECK(torch::equal(r.read_tensor("extra"), torch::arange(4)));
    CHECK_THROWS_AS(r.read_int("missing"), marl::ConfigError);
    CHECK_THROWS_AS(r.read_int("epsilon"), marl::ConfigError);

    marl::TorchStateWriter w;
    w.write_int("n", 1);
    CHECK_THROWS_AS(w.write_int("n", 2), marl::ContractError);
  }
  SECTION("a checkpoint from another network shape is refused untouched") {
    Learner a(4, 16);
    std::stringstream stream;
    a.save(stream);
    Learner wider(5, 32);
    const auto before = wider.actor->parameters();
    std::vector<torch::Tensor> copy;
    for (const auto& p : before) copy.push_back(p.clone());
    marl::TorchStateReader r(stream);
    CHECK_THROWS_WITH(r.read_module("actor", *wider.actor), Catch::Contains("hidden0.weight"));
    CHECK(same(copy, wider.actor->parameters()));
  }
  SECTION("a network with nan weights is refused at save and at load, naming the tensor") {
    Learner a(4, 16);
    {
      torch::NoGradGuard no_grad;
      a.actor->parameters()[2].view(-1)[0] = std::nan("");
    }
    std::stringstream refused;
    CHECK_THROWS_WITH(a.save(refused), Catch::Contains("holds nan or inf values (the learner diverged)"));
    // A file written elsewhere: the module entry in the reader's format, by hand.
    c10::List<std::string> names;
    c10::List<torch::Tensor> values;
    for (const auto& item : a.actor->named_parameters()) {
      names.push_back(item.key());
      values.push_back(item.value().detach().clone());
    }
    for (const auto& item : a.actor->named_buffers()) {
      names.push_back(item.key());
      values.push_back(item.value().detach().clone());
    }
    torch::serialize::OutputArchive nested, archive;
    nested.write("names", c10::IValue(names));
    nested.write("values", c10::IValue(values));
    archive.write("actor", nested);
    std::ostringstream bytes;
    archive.save_to(bytes);
    std::stringstream stream;
    stream << "MARL-TORCH-STATE 1\n" << bytes.str().size() << '\n' << bytes.str();
    Learner b(4, 16);
    marl::TorchStateReader r(stream);
    CHECK_THROWS_WITH(r.read_module("actor", *b.actor), Catch::Contains("holds nan or inf values"));
  }
  SECTION("a stream without a torch state section is refused") {
    std::stringstream garbage("not a checkpoint\n12\nabc");
    CHECK_THROWS_AS(marl::TorchStateReader(garbage), marl::ConfigError);
    std::stringstream truncated("MARL-TORCH-STATE 1\n1000\nshort");
    CHECK_THROWS_AS(marl::TorchStateReader(truncated), marl::ConfigError);
  }
}
