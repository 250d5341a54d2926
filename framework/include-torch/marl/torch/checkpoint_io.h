// Saving and loading an algorithm's LibTorch state inside Algorithm::save/load.
//
// Why: a learner's state is several named modules, optimizers, running
// statistics, generators and counters; these two classes let a plugin write
// all of it in a few lines:
//
//   void save(std::ostream& out) const override {
//     TorchStateWriter w;
//     w.write_module("actor", *actor_);
//     w.write_optimizer("actor_optim", *actor_optim_);
//     w.write_int("updates", updates_);
//     w.write_generator("act_gen", act_gen_);
//     w.save(out);
//   }
//   void load(std::istream& in) override {
//     TorchStateReader r(in);
//     r.read_module("actor", *actor_);
//     ...
//   }
//
// Format: one section "MARL-TORCH-STATE 1\n<byte count>\n<torch archive>",
// so it can follow the checkpoint's text header in the same stream (a torch
// zip archive cannot be read from the middle of a stream on its own) and
// several sections can follow each other.
//
// Contract:
//  * Modules are stored as their flat parameter and buffer names with values.
//    read_module copies into the existing tensors (so optimizers keep pointing
//    at them) and throws ConfigError naming the entry if a name is missing,
//    extra, or has another shape (e.g. different hidden sizes).
//  * Optimizers use LibTorch's own serialisation (state and options, incl. the
//    current learning rate); load it after the modules it optimises.
//  * Names are unique per section (ContractError otherwise); a missing name
//    on read throws ConfigError.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <set>
#include <string>

namespace marl {

class TorchStateWriter {
 public:
  TorchStateWriter();
  ~TorchStateWriter();

  void write_module(const std::string& name, const torch::nn::Module& module);
  void write_optimizer(const std::string& name, const torch::optim::Optimizer& optimizer);
  void write_tensor(const std::string& name, const torch::Tensor& tensor);
  // May be undefined (e.g. a recurrent state before the first act): read
  // back as undefined.
  void write_optional_tensor(const std::string& name, const torch::Tensor& tensor);
  void write_double(const std::string& name, double value);
  void write_int(const std::string& name, int64_t value);
  void write_generator(const std::string& name, const torch::Generator& gen);

  // Appends the section to `out`. The writer can be saved once.
  void save(std::ostream& out);

 private:
  void claim(const std::string& name);

  std::unique_ptr<torch::serialize::OutputArchive> archive_;
  std::set<std::string> names_;
};

class TorchStateReader {
 public:
  // Reads one section from the current position of `in` (ConfigError if the
  // stream does not hold one).
  explicit TorchStateReader(std::istream& in);
  ~TorchStateReader();

  bool has(const std::string& name);
  void read_module(const std::string& name, torch::nn::Module& module);
  void read_optimizer(const std::string& name, torch::optim::Optimizer& optimizer);
  torch::Tensor read_tensor(const std::string& name);
  torch::Tensor read_optional_tensor(const std::string& name);
  // Copies into `target` (defined), which must have the entry's shape and
  // dtype (ConfigError naming the entry otherwise): state kept in place.
  void read_tensor_into(const std::string& name, torch::Tensor& target);
  double read_double(const std::string& name);
  int64_t read_int(const std::string& name);
  void read_generator(const std::string& name, torch::Generator& gen);

 private:
  c10::IValue value(const std::string& name);

  std::unique_ptr<torch::serialize::InputArchive> archive_;
};

}  // namespace marl
