#include "marl/torch/fused_mlp.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "blas_gemm.h"
#include "marl/error.h"
#include "marl/torch/mlp.h"
#include "param_grads.h"
#include "parameter_versions.h"
#include "row_kernels_dispatch.h"
#include "sparse_first_layer.h"

namespace marl {

namespace {

using blas::gemm;

torch::Tensor& grad_of(const torch::Tensor& p) { return marl::grad_of(p, "FusedMlp"); }

}  // namespace

FusedMlp::FusedMlp(const MlpImpl& mlp, torch::nn::LinearImpl* head)
    : sparse_(std::make_unique<SparseFirstLayers>()), source_rows_(std::make_unique<SparseFirstLayers>()) {
  const MlpConfig& c = mlp.config();
  input_size_ = c.input_size;
  activation_ = c.activation;
  auto norm_of = [](const torch::nn::LayerNorm& ln) {
    Norm n;
    n.weight = ln->weight;
    n.bias = ln->bias;
    n.eps = ln->options.eps();
    if (!n.weight.defined() || !n.bias.defined()) {
      throw ContractError("FusedMlp: LayerNorm without elementwise affine parameters is not supported");
    }
    return n;
  };
  if (mlp.feature_norm()) {
    has_input_norm_ = true;
    input_norm_ = norm_of(mlp.feature_norm());
  }
  auto add_linear = [&](const torch::nn::LinearImpl& linear, bool activation) {
    Layer l;
    l.weight = linear.weight;
    l.bias = linear.bias;
    if (!l.bias.defined()) throw ContractError("FusedMlp: Linear layers without bias are not supported");
    l.activation = activation;
    layers_.push_back(l);
  };
  const auto& hidden = mlp.hidden_layers();
  const auto& norms = mlp.hidden_norms();
  for (size_t i = 0; i < hidden.size(); ++i) {
    add_linear(*hidden[i], true);
    if (!norms.empty()) {
      layers_.back().has_norm = true;
      layers_.back().norm = norm_of(norms[i]);
    }
  }
  if (mlp.output_layer()) add_linear(*mlp.output_layer(), false);
  if (head != nullptr) add_linear(*head, false);
  int64_t width = input_size_;
  max_width_ = width;
  for (const Layer& l : layers_) {
    if (l.weight.size(1) != width) {
      throw ContractError("FusedMlp: layer input " + std::to_string(l.weight.size(1)) +
                          " does not match the previous width " + std::to_string(width));
    }
    width = l.weight.size(0);
    max_width_ = std::max(max_width_, width);
  }
  output_size_ = width;
}

// Defined in fused_mlp_sparse.cpp.
extern template SparseFirstLayer<float>::Params FusedMlp::sparse_params<float>() const;
extern template SparseFirstLayer<double>::Params FusedMlp::sparse_params<double>() const;

FusedMlp::~FusedMlp() = default;
FusedMlp::FusedMlp(FusedMlp&&) noexcept = default;
FusedMlp& FusedMlp::operator=(FusedMlp&&) noexcept = default;

double FusedMlp::forward_flops_per_row() const {
  double f = 0;
  for (const Layer& l : layers_) f += 2.0 * static_cast<double>(l.weight.numel());
  return f;
}

double FusedMlp::backward_flops_per_row() const {
  double f = 0;
  for (size_t i = 0; i < layers_.size(); ++i) {
    const double w = static_cast<double>(layers_[i].weight.numel());
    f += 2.0 * w;             // weight gradient (with an input norm: M, see first_layer_backward)
    if (i > 0) f += 2.0 * w;  // input gradient
  }
  return f;
}

void FusedMlp::append_gemms(int64_t rows, bool backward, double count, std::vector<GemmShape>& out) const {
  for (size_t i = 0; i < layers_.size(); ++i) {
    const int64_t w = layers_[i].weight.size(0);
    int64_t in_w = layers_[i].weight.size(1);
    if (i == 0 && sparse_active_) {
      in_w = nonzero_width(input_density_, in_w);
    }
    out.push_back({rows, w, in_w, false, true, count});  // forward
    if (!backward) continue;
    out.push_back({w, in_w, rows, true, false, count});              // weight gradient
    if (i > 0) out.push_back({rows, in_w, w, false, false, count});  // input gradient
  }
}

void FusedMlp::reserve(int64_t rows, const torch::TensorOptions& options) {
  if (rows <= capacity_ && in_rstd_.defined() && in_rstd_.dtype() == options.dtype()) return;
  capacity_ = std::max(rows, capacity_);
  const auto o = options.requires_grad(false);
  in_xhat_ = torch::empty({capacity_, input_size_}, o);
  in_out_ = torch::empty({capacity_, input_size_}, o);
  in_rstd_ = torch::empty({capacity_}, o);
  for (Layer& l : layers_) {
    const int64_t w = l.weight.size(0);
    l.act = torch::empty({capacity_, w}, o);
    if (l.has_norm) {
      l.xhat = torch::empty({capacity_, w}, o);
      l.out = torch::empty({capacity_, w}, o);
      l.rstd = torch::empty({capacity_}, o);
    }
  }
  grad_a_ = torch::empty({capacity_ * max_width_}, o);
  grad_b_ = torch::empty({capacity_ * max_width_}, o);
  scratch_ = torch::empty({3 * max_width_}, o);
  col_a_.assign(static_cast<size_t>(max_width_), 0.0);
  col_b_.assign(static_cast<size_t>(max_width_), 0.0);
  col_c_.assign(static_cast<size_t>(max_width_), 0.0);
  if (has_input_norm_) {
    first_m_ = torch::empty({layers_.front().weight.numel()}, o);
    norm_g_.assign(static_cast<size_t>(input_size_), 0.0);
    norm_b_.assign(static_cast<size_t>(input_size_), 0.0);
  }
}

const torch::Tensor& FusedMlp::layer_output(size_t i) const {
  return layers_[i].has_norm ? layers_[i].out : layers_[i].act;
}

void FusedMlp::check_input(const torch::Tensor& x) const {
  if (x.dim() != 2 || x.size(1) != input_size_) {
    throw ContractError("FusedMlp: input must be [N, " + std::to_string(input_size_) + "], got " +
                        std::to_string(x.dim()) + " dims, last " + std::to_string(x.dim() > 0 ? x.size(-1) : 0));
  }
  const auto dtype = layers_.front().weight.scalar_type();
  if (dtype != torch::kFloat32 && dtype != torch::kFloat64) {
    throw ContractError("FusedMlp: parameters must be float32 or float64");
  }
  if (x.scalar_type() != dtype) throw ContractError("FusedMlp: input dtype differs from the parameters'");
}

torch::Tensor FusedMlp::forward(const torch::Tensor& x_in) {
  torch::NoGradGuard no_grad;
  check_input(x_in);
  input_ = x_in.contiguous();
  rows_ = input_.size(0);
  sparse_active_ = false;
  if (sparse_allowed()) {
    sparse_active_ = input_.scalar_type() == torch::kFloat32
                         ? sparse_->get<float>().gather(input_.data_ptr<float>(), rows_, input_size_, max_sparse_density_)
                         : sparse_->get<double>().gather(input_.data_ptr<double>(), rows_, input_size_, max_sparse_density_);
  }
  return run_forward();
}

torch::Tensor FusedMlp::run_forward() {
  reserve(rows_, layers_.front().weight.options());
  if (sparse_active_) {
    input_density_ = layers_.front().weight.scalar_type() == torch::kFloat64 ? sparse_->get<double>().density()
                                                                             : sparse_->get<float>().density();
  }
  if (layers_.front().weight.scalar_type() == torch::kFloat32) {
    forward_rows<float>();
  } else {
    forward_rows<double>();
  }
  can_backward_ = true;
  const size_t last = layers_.size() - 1;
  return layer_output(last).narrow(0, 0, rows_);
}

template <class T>
void FusedMlp::forward_rows() {
  const int64_t n = rows_;
  const T* in = sparse_active_ ? nullptr : input_.data_ptr<T>();
  if (has_input_norm_ && !sparse_active_) {
    T* out = in_out_.data_ptr<T>();
    fast::layer_norm_forward(in, out, in_xhat_.data_ptr<T>(), in_rstd_.data_ptr<T>(), input_norm_.weight.data_ptr<T>(),
                             input_norm_.bias.data_ptr<T>(), n, input_size_, input_norm_.eps);
    in = out;
  }
  for (Layer& l : layers_) {
    const int64_t w = l.weight.size(0), in_w = l.weight.size(1);
    T* z = l.act.data_ptr<T>();
    if (&l == &layers_.front() && sparse_active_) {
      const bool same = same_parameter_versions({&l.weight, &input_norm_.weight, &input_norm_.bias}, sparse_key_);
      sparse_->get<T>().forward(sparse_params<T>(), z, same);
    } else {
      blas::linear_rows(in, l.weight.data_ptr<T>(), l.bias.data_ptr<T>(), z, n, w, in_w);
    }
    const bool relu = l.activation && activation_ == Activation::Relu;
    if (l.has_norm && relu) {  // one pass: ReLU in place, then the norm
      T* out = l.out.data_ptr<T>();
      fast::relu_layer_norm_forward(z, out, l.xhat.data_ptr<T>(), l.rstd.data_ptr<T>(), l.norm.weight.data_ptr<T>(),
                                    l.norm.bias.data_ptr<T>(), n, w, l.norm.eps);
      in = out;
      continue;
    }
    if (relu)
      fast::relu_inplace(z, n * w);
    else if (l.activation)
      l.act.narrow(0, 0, n).tanh_();
    if (l.has_norm) {
      T* out = l.out.data_ptr<T>();
      fast::layer_norm_forward(z, out, l.xhat.data_ptr<T>(), l.rstd.data_ptr<T>(), l.norm.weight.data_ptr<T>(),
                               l.norm.bias.data_ptr<T>(), n, w, l.norm.eps);
      in = out;
    } else {
      in = z;
    }
  }
}

void FusedMlp::backward(const torch::Tensor& dy) {
  torch::NoGradGuard no_grad;
  if (!can_backward_) throw ContractError("FusedMlp: backward() without a forward() before it");
  if (dy.dim() != 2 || dy.size(0) != rows_ || dy.size(1) != output_size_) {
    throw ContractError("FusedMlp: backward() needs dy [" + std::to_string(rows_) + ", " +
                        std::to_string(output_size_) + "]");
  }
  if (layers_.front().weight.scalar_type() == torch::kFloat32) {
    backward_rows<float>(dy.contiguous());
  } else {
    backward_rows<double>(dy.contiguous());
  }
  can_backward_ = false;
}

template <class T>
void FusedMlp::backward_rows(const torch::Tensor& dy) {
  const int64_t n = rows_;
  T* scratch = scratch_.data_ptr<T>();
  T* buffers[2] = {grad_a_.data_ptr<T>(), grad_b_.data_ptr<T>()};
  // The gradient being propagated lives in the caller's dy (where = -1) or in
  // one of the two ping-pong buffers; each step writes into the other one.
  int where = -1;
  const T* d = dy.data_ptr<T>();
  auto target = [&]() {
    where = where == 0 ? 1 : 0;
    return buffers[where];
  };
  auto zero_cols = [&](int64_t w) {
    std::fill(col_a_.begin(), col_a_.begin() + w, 0.0);
    std::fill(col_b_.begin(), col_b_.begin() + w, 0.0);
  };
  auto layer_norm_backward = [&](const Norm& norm, const T* xhat, const T* rstd, int64_t w) {
    zero_cols(w);
    T* dst = target();
    fast::layer_norm_backward(d, xhat, rstd, norm.weight.data_ptr<T>(), dst, n, w, col_a_.data(), col_b_.data(),
                              scratch);
    add_into<T>(grad_of(norm.weight), col_a_, w);
    add_into<T>(grad_of(norm.bias), col_b_, w);
    d = dst;
  };
  for (size_t i = layers_.size(); i-- > 0;) {
    Layer& l = layers_[i];
    const int64_t w = l.weight.size(0), in_w = l.weight.size(1);
    const bool relu = l.activation && activation_ == Activation::Relu;
    bool bias_done = false;
    if (l.has_norm && relu) {  // one pass: the norm's backward, the ReLU mask and the bias gradient
      zero_cols(w);
      std::fill(col_c_.begin(), col_c_.begin() + w, 0.0);
      T* dst = target();
      fast::layer_norm_relu_backward(d, l.xhat.data_ptr<T>(), l.rstd.data_ptr<T>(), l.norm.weight.data_ptr<T>(),
                                     l.act.data_ptr<T>(), dst, n, w, col_a_.data(), col_b_.data(), col_c_.data(),
                                     scratch);
      add_into<T>(grad_of(l.norm.weight), col_a_, w);
      add_into<T>(grad_of(l.norm.bias), col_b_, w);
      add_into<T>(grad_of(l.bias), col_c_, w);
      d = dst;
      bias_done = true;
    } else if (l.has_norm) {
      layer_norm_backward(l.norm, l.xhat.data_ptr<T>(), l.rstd.data_ptr<T>(), w);
    }
    if (l.activation && !bias_done) {
      if (where < 0) {  // never write into the caller's dy
        T* dst = target();
        std::memcpy(dst, d, static_cast<size_t>(n * w) * sizeof(T));
        d = dst;
      }
      T* dz = buffers[where];
      if (activation_ == Activation::Relu) {
        fast::relu_backward_inplace(dz, l.act.data_ptr<T>(), n * w);
      } else {
        fast::tanh_backward_inplace(dz, l.act.data_ptr<T>(), n * w);
      }
    }
    if (!bias_done) {
      zero_cols(w);
      fast::add_column_sums(d, n, w, col_a_.data(), scratch);
      add_into<T>(grad_of(l.bias), col_a_, w);
    }
    if (i == 0 && sparse_active_) {
      typename SparseFirstLayer<T>::Grads g;
      g.weight = grad_of(l.weight).data_ptr<T>();
      if (has_input_norm_) {
        g.gamma = grad_of(input_norm_.weight).data_ptr<T>();
        g.beta = grad_of(input_norm_.bias).data_ptr<T>();
      }
      sparse_->get<T>().backward(sparse_params<T>(), d, bias_done ? col_c_ : col_a_, g);
      break;
    }
    if (i == 0 && has_input_norm_) {
      first_layer_backward<T>(d, bias_done ? col_c_ : col_a_);
      break;
    }
    const T* in = i == 0 ? input_.data_ptr<T>() : layer_output(i - 1).data_ptr<T>();
    gemm(true, false, w, in_w, n, d, w, in, in_w, T(1), grad_of(l.weight).data_ptr<T>(), in_w);
    if (i > 0) {
      T* dst = target();
      // Zeroed here, then beta = 1: OpenBLAS's own beta = 0 pass is slower than memset.
      std::memset(dst, 0, static_cast<size_t>(n * in_w) * sizeof(T));
      gemm(false, false, n, in_w, w, d, w, l.weight.data_ptr<T>(), in_w, T(1), dst, in_w);
      d = dst;
    }
  }
}

// The first layer after the input LayerNorm, given dz = dL/d(its output)
// and s = dz's column sums. Its input is y0 = xhat * gamma + beta, so with
// M = dz^T xhat: dW = M diag(gamma) + s beta^T, and the norm's gradients
// need no dL/dy0 at all: dgamma_j = sum_k W_kj M_kj, dbeta_j = sum_k W_kj s_k.
// One [out, N] x [N, in] gemm instead of two (the input gradient's): a third
// of the first layer's backward arithmetic, the largest layer when
// observations are wide (hide-and-seek: 1222 inputs).
template <class T>
void FusedMlp::first_layer_backward(const T* d, const std::vector<double>& s) {
  const Layer& l = layers_.front();
  const int64_t w = l.weight.size(0), in_w = l.weight.size(1);
  T* m = first_m_.data_ptr<T>();
  std::memset(m, 0, static_cast<size_t>(w * in_w) * sizeof(T));
  gemm(true, false, w, in_w, rows_, d, w, in_xhat_.data_ptr<T>(), in_w, T(1), m, in_w);
  T* gw = grad_of(l.weight).data_ptr<T>();
  const T* wt = l.weight.data_ptr<T>();
  const T* gamma = input_norm_.weight.data_ptr<T>();
  const T* beta = input_norm_.bias.data_ptr<T>();
  std::fill(norm_g_.begin(), norm_g_.end(), 0.0);
  std::fill(norm_b_.begin(), norm_b_.end(), 0.0);
  for (int64_t k = 0; k < w; ++k) {
    const T sk = static_cast<T>(s[static_cast<size_t>(k)]);
    const T* mk = m + k * in_w;
    const T* wk = wt + k * in_w;
    T* gk = gw + k * in_w;
    for (int64_t j = 0; j < in_w; ++j) {
      gk[j] += mk[j] * gamma[j] + sk * beta[j];
      norm_g_[static_cast<size_t>(j)] += static_cast<double>(wk[j] * mk[j]);
      norm_b_[static_cast<size_t>(j)] += static_cast<double>(wk[j] * sk);
    }
  }
  add_into<T>(grad_of(input_norm_.weight), norm_g_, in_w);
  add_into<T>(grad_of(input_norm_.bias), norm_b_, in_w);
}

}  // namespace marl
