#include "marl/torch/checkpoint_io.h"

#include <istream>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "marl/error.h"
#include "shape_text.h"

namespace marl {

namespace {

const char* const kMagic = "MARL-TORCH-STATE 1";

// Parameters then buffers, with their recursive dotted names.
std::vector<std::pair<std::string, torch::Tensor>> module_state(const torch::nn::Module& m) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : m.named_parameters(/*recurse=*/true)) out.emplace_back(p.key(), p.value());
  for (const auto& b : m.named_buffers(/*recurse=*/true)) {
    if (b.value().defined()) out.emplace_back(b.key(), b.value());
  }
  return out;
}

[[noreturn]] void bad_entry(const std::string& name, const std::string& why) {
  throw ConfigError("checkpoint entry '" + name + "': " + why +
                    " (was the checkpoint made with another network configuration or algorithm "
                    "version?)");
}

}  // namespace

TorchStateWriter::TorchStateWriter()
    : archive_(std::make_unique<torch::serialize::OutputArchive>()) {}
TorchStateWriter::~TorchStateWriter() = default;

void TorchStateWriter::claim(const std::string& name) {
  if (!archive_) throw ContractError("TorchStateWriter: write after save()");
  if (!names_.insert(name).second) {
    throw ContractError("TorchStateWriter: entry '" + name + "' written twice");
  }
}

void TorchStateWriter::write_module(const std::string& name, const torch::nn::Module& module) {
  claim(name);
  c10::List<std::string> names;
  c10::List<torch::Tensor> values;
  for (const auto& [key, tensor] : module_state(module)) {
    // A diverged network is not saved as if it were a policy.
    if (tensor.is_floating_point() && !torch::isfinite(tensor).all().item<bool>()) {
      throw Error("cannot save '" + name + "': '" + key + "' holds nan or inf values (the learner diverged)");
    }
    names.push_back(key);
    values.push_back(tensor.detach().to(torch::kCPU).clone());
  }
  torch::serialize::OutputArchive nested;
  nested.write("names", c10::IValue(names));
  nested.write("values", c10::IValue(values));
  archive_->write(name, nested);
}

void TorchStateWriter::write_optimizer(const std::string& name,
                                       const torch::optim::Optimizer& optimizer) {
  claim(name);
  torch::serialize::OutputArchive nested;
  optimizer.save(nested);
  archive_->write(name, nested);
}

void TorchStateWriter::write_tensor(const std::string& name, const torch::Tensor& tensor) {
  claim(name);
  archive_->write(name, c10::IValue(tensor.detach().to(torch::kCPU).clone()));
}

void TorchStateWriter::write_optional_tensor(const std::string& name, const torch::Tensor& tensor) {
  write_int(name + "/defined", tensor.defined() ? 1 : 0);
  if (tensor.defined()) write_tensor(name, tensor);
}

void TorchStateWriter::write_double(const std::string& name, double value) {
  claim(name);
  archive_->write(name, c10::IValue(value));
}

void TorchStateWriter::write_int(const std::string& name, int64_t value) {
  claim(name);
  archive_->write(name, c10::IValue(value));
}

void TorchStateWriter::write_generator(const std::string& name, const torch::Generator& gen) {
  claim(name);
  archive_->write(name, c10::IValue(gen.get_state()));
}

void TorchStateWriter::save(std::ostream& out) {
  if (!archive_) throw ContractError("TorchStateWriter: save() called twice");
  std::ostringstream buffer;
  archive_->save_to(buffer);
  archive_.reset();
  const std::string bytes = buffer.str();
  out << kMagic << '\n' << bytes.size() << '\n';
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw Error("checkpoint: writing the torch state failed");
}

TorchStateReader::TorchStateReader(std::istream& in)
    : archive_(std::make_unique<torch::serialize::InputArchive>()) {
  std::string magic;
  std::string size_line;
  std::getline(in, magic);
  std::getline(in, size_line);
  if (magic != kMagic) {
    throw ConfigError("checkpoint: expected a '" + std::string(kMagic) + "' section, found '" +
                      magic.substr(0, 60) + "'");
  }
  size_t size = 0;
  try {
    size = std::stoull(size_line);
  } catch (const std::exception&) {
    throw ConfigError("checkpoint: bad torch state size line '" + size_line.substr(0, 60) + "'");
  }
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<size_t>(in.gcount()) != size) {
    throw ConfigError("checkpoint: torch state truncated (" + std::to_string(in.gcount()) + " of " +
                      std::to_string(size) + " bytes)");
  }
  try {
    archive_->load_from(bytes.data(), bytes.size());
  } catch (const c10::Error& e) {
    throw ConfigError(std::string("checkpoint: corrupt torch state: ") +
                      e.what_without_backtrace());
  }
}

TorchStateReader::~TorchStateReader() = default;

bool TorchStateReader::has(const std::string& name) {
  for (const auto& key : archive_->keys()) {
    if (key == name) return true;
  }
  return false;
}

c10::IValue TorchStateReader::value(const std::string& name) {
  c10::IValue v;
  if (!archive_->try_read(name, v)) bad_entry(name, "missing");
  return v;
}

void TorchStateReader::read_module(const std::string& name, torch::nn::Module& module) {
  torch::serialize::InputArchive nested;
  if (!archive_->try_read(name, nested)) bad_entry(name, "missing");
  c10::IValue names_value;
  c10::IValue values_value;
  if (!nested.try_read("names", names_value) || !nested.try_read("values", values_value) ||
      !names_value.isList() || !values_value.isList()) {
    bad_entry(name, "not a module");
  }
  const auto names = names_value.toList();
  const auto values = values_value.toList();
  std::map<std::string, torch::Tensor> saved;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    saved[names.get(i).toStringRef()] = values.get(i).toTensor();
  }
  const auto expected = module_state(module);
  // Check everything before touching the module, so a failed load changes nothing.
  for (const auto& [key, tensor] : expected) {
    auto it = saved.find(key);
    if (it == saved.end()) bad_entry(name, "no value for '" + key + "'");
    if (it->second.sizes() != tensor.sizes() || it->second.dtype() != tensor.dtype()) {
      bad_entry(name, "'" + key + "' is " + shape_of(it->second) + " in the checkpoint but " +
                          shape_of(tensor) + " in the network");
    }
  }
  if (saved.size() != expected.size()) {
    bad_entry(name, "the checkpoint has " + std::to_string(saved.size()) +
                        " tensors, the network " + std::to_string(expected.size()));
  }
  // A network with nan or inf weights would act and evaluate as if nothing
  // were wrong; refuse it, naming the tensor.
  for (const auto& [key, tensor] : saved) {
    if (tensor.is_floating_point() && !torch::isfinite(tensor).all().item<bool>()) {
      bad_entry(name, "'" + key + "' holds nan or inf values (the run that saved it diverged)");
    }
  }
  torch::NoGradGuard no_grad;
  for (auto& [key, tensor] : expected) {
    torch::Tensor target = tensor;
    target.copy_(saved[key]);
  }
}

void TorchStateReader::read_optimizer(const std::string& name, torch::optim::Optimizer& optimizer) {
  torch::serialize::InputArchive nested;
  if (!archive_->try_read(name, nested)) bad_entry(name, "missing");
  try {
    optimizer.load(nested);
  } catch (const c10::Error& e) {
    bad_entry(name, std::string("cannot restore the optimizer: ") + e.what_without_backtrace());
  }
}

torch::Tensor TorchStateReader::read_tensor(const std::string& name) {
  const c10::IValue v = value(name);
  if (!v.isTensor()) bad_entry(name, "not a tensor");
  return v.toTensor();
}

torch::Tensor TorchStateReader::read_optional_tensor(const std::string& name) {
  return read_int(name + "/defined") != 0 ? read_tensor(name) : torch::Tensor();
}

void TorchStateReader::read_tensor_into(const std::string& name, torch::Tensor& target) {
  const torch::Tensor value = read_tensor(name);
  if (value.sizes() != target.sizes() || value.scalar_type() != target.scalar_type()) {
    std::ostringstream why;
    why << "has shape " << value.sizes() << " " << value.scalar_type() << ", expected " << target.sizes() << " "
        << target.scalar_type();
    bad_entry(name, why.str());
  }
  target.copy_(value);
}

double TorchStateReader::read_double(const std::string& name) {
  const c10::IValue v = value(name);
  if (!v.isDouble()) bad_entry(name, "not a real number");
  return v.toDouble();
}

int64_t TorchStateReader::read_int(const std::string& name) {
  const c10::IValue v = value(name);
  if (!v.isInt()) bad_entry(name, "not an integer");
  return v.toInt();
}

void TorchStateReader::read_generator(const std::string& name, torch::Generator& gen) {
  const torch::Tensor state = read_tensor(name);
  try {
    gen.set_state(state);
  } catch (const c10::Error& e) {
    bad_entry(name, std::string("not a generator state: ") + e.what_without_backtrace());
  }
}

}  // namespace marl
