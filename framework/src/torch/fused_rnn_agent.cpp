#include "marl/torch/fused_rnn_agent.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "blas_gemm.h"
#include "marl/error.h"
#include "marl/torch/fused_mlp.h"
#include "marl/torch/rnn_agent.h"
#include "param_grads.h"
#include "parameter_versions.h"
#include "row_kernels_dispatch.h"
#include "sparse_first_layer.h"

namespace marl {

namespace {

using blas::gemm;

torch::Tensor& grad_of(const torch::Tensor& p) { return marl::grad_of(p, "FusedRnnAgent"); }

// grad[j] += column sums of x [rows, width] (accumulated in double).
template <class T>
void add_column_sums(const T* x, int64_t rows, int64_t width, std::vector<double>& cols, T* scratch,
                     const torch::Tensor& grad) {
  std::fill(cols.begin(), cols.begin() + width, 0.0);
  fast::add_column_sums(x, rows, width, cols.data(), scratch);
  add_into<T>(grad, cols, width);
}

}  // namespace

FusedRnnAgent::~FusedRnnAgent() = default;

FusedRnnAgent::FusedRnnAgent(RnnAgentImpl& agent) : sparse_(std::make_unique<SparseFirstLayers>()) {
  GruBlockImpl& block = agent.gru();
  if (block.config().num_layers != 1 || block.config().layer_norm) {
    throw ContractError("FusedRnnAgent: one GRU layer without LayerNorm only");
  }
  auto params = block.module().named_parameters();
  w_ih_ = params["weight_ih_l0"];
  w_hh_ = params["weight_hh_l0"];
  b_ih_ = params["bias_ih_l0"];
  b_hh_ = params["bias_hh_l0"];
  w1_ = agent.fc1().weight;
  b1_ = agent.fc1().bias;
  w2_ = agent.fc2().weight;
  b2_ = agent.fc2().bias;
  input_ = w1_.size(1);
  hidden_ = w_hh_.size(1);
  actions_ = w2_.size(0);
  if (w1_.size(0) != hidden_ || w_ih_.size(1) != hidden_ || w2_.size(1) != hidden_) {
    throw ContractError("FusedRnnAgent: fc1, GRU and fc2 widths must all be the GRU's hidden size");
  }
  cols_.assign(static_cast<size_t>(3 * hidden_), 0.0);
}

void FusedRnnAgent::append_gemms(int64_t steps, int64_t rows, bool backward, std::vector<GemmShape>& out) const {
  const int64_t H = hidden_, N = steps * rows, A = actions_;
  const auto recurrent = static_cast<double>(std::max<int64_t>(steps - 1, 0));  // step 0 starts from zero
  const int64_t k1 = sparse_active_ ? nonzero_width(input_density_, input_) : input_;
  out.push_back({N, H, k1, false, true, 1});  // fc1
  out.push_back({N, 3 * H, H, false, true, 1});                                 // input gates
  out.push_back({rows, 3 * H, H, false, true, recurrent});
  out.push_back({N, A, H, false, true, 1});  // fc2
  if (!backward) return;
  out.push_back({A, H, N, true, false, 1});   // fc2 weight
  out.push_back({N, H, A, false, false, 1});  // dL/dh from fc2
  out.push_back({rows, H, 3 * H, false, false, recurrent});
  if (steps > 1) out.push_back({3 * H, H, N - rows, true, false, 1});  // W_hh
  out.push_back({3 * H, H, N, true, false, 1});                        // W_ih
  out.push_back({N, H, 3 * H, false, false, 1});                       // dL/d(fc1 output)
  out.push_back({H, k1, N, true, false, 1});                           // fc1 weight
}

void FusedRnnAgent::reserve(int64_t steps, int64_t rows, const torch::TensorOptions& options) {
  if (steps <= cap_steps_ && rows == cap_rows_ && a1_.defined() && a1_.dtype() == options.dtype()) return;
  cap_steps_ = std::max(steps, rows == cap_rows_ ? cap_steps_ : 0);
  cap_rows_ = rows;
  const auto o = options.requires_grad(false);
  const int64_t n = cap_steps_ * rows, H = hidden_;
  a1_ = torch::empty({n, H}, o);
  gi_ = torch::empty({n, 3 * H}, o);
  rz_ = torch::empty({n, 2 * H}, o);
  n_ = torch::empty({n, H}, o);
  ghn_ = torch::empty({n, H}, o);
  hs_ = torch::empty({n, H}, o);
  q_ = torch::empty({n, actions_}, o);
  gh_ = torch::empty({rows, 3 * H}, o);
  dhs_ = torch::empty({n, H}, o);
  dgi_ = torch::empty({n, 3 * H}, o);
  dgh_ = torch::empty({n, 3 * H}, o);
  dh_ = torch::empty({rows, H}, o);
  da1_ = torch::empty({n, H}, o);
  scratch_ = torch::empty({3 * H + actions_}, o);
  rz_steps_.clear();
  n_steps_.clear();
  for (int64_t t = 0; t < cap_steps_; ++t) {
    rz_steps_.push_back(rz_.narrow(0, t * rows, rows));
    n_steps_.push_back(n_.narrow(0, t * rows, rows));
  }
}

torch::Tensor FusedRnnAgent::forward(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  if (x.dim() != 3 || x.size(2) != input_) {
    throw ContractError("FusedRnnAgent: input must be [T, R, " + std::to_string(input_) + "]");
  }
  if (x.scalar_type() != w1_.scalar_type())
    throw ContractError("FusedRnnAgent: input dtype differs from the parameters'");
  x_ = x.contiguous();
  steps_ = x.size(0);
  rows_ = x.size(1);
  reserve(steps_, rows_, x.options());
  if (w1_.scalar_type() == torch::kFloat32)
    forward_steps<float>();
  else if (w1_.scalar_type() == torch::kFloat64)
    forward_steps<double>();
  else
    throw ContractError("FusedRnnAgent: parameters must be float32 or float64");
  can_backward_ = true;
  return q_.narrow(0, 0, steps_ * rows_).view({steps_, rows_, actions_});
}

template <class T>
typename SparseFirstLayer<T>::Params FusedRnnAgent::fc1_params() const {
  typename SparseFirstLayer<T>::Params p;
  p.weight = w1_.data_ptr<T>();
  p.bias = b1_.data_ptr<T>();
  p.out = hidden_;
  p.in = input_;
  return p;
}

template <class T>
void FusedRnnAgent::forward_steps() {
  const int64_t R = rows_, H = hidden_, N = steps_ * R;
  // fc1 + ReLU and the input gates of every step: one gemm each.
  T* a1 = a1_.data_ptr<T>();
  sparse_active_ = input_ >= FusedMlp::kMinSparseWidth &&
                   sparse_->get<T>().gather(x_.data_ptr<T>(), N, input_, FusedMlp::kMaxSparseDensity);
  if (sparse_active_) {
    input_density_ = sparse_->get<T>().density();
    sparse_->get<T>().forward(fc1_params<T>(), a1, same_parameter_versions({&w1_}, sparse_key_));
  } else {
    blas::linear_rows(x_.data_ptr<T>(), w1_.data_ptr<T>(), b1_.data_ptr<T>(), a1, N, H, input_);
  }
  fast::relu_inplace(a1, N * H);
  T* gi = gi_.data_ptr<T>();
  blas::linear_rows(a1, w_ih_.data_ptr<T>(), b_ih_.data_ptr<T>(), gi, N, 3 * H, H);

  T* gh = gh_.data_ptr<T>();
  T* rz = rz_.data_ptr<T>();
  T* nn = n_.data_ptr<T>();
  T* ghn = ghn_.data_ptr<T>();
  T* hs = hs_.data_ptr<T>();
  for (int64_t t = 0; t < steps_; ++t) {
    const T* h_prev = t > 0 ? hs + (t - 1) * R * H : nullptr;  // nullptr: the zero initial state
    if (h_prev != nullptr) {
      blas::linear_rows(h_prev, w_hh_.data_ptr<T>(), b_hh_.data_ptr<T>(), gh, R, 3 * H, H);
    } else {  // the zero initial state: only the bias
      for (int64_t r = 0; r < R; ++r)
        std::memcpy(gh + r * 3 * H, b_hh_.data_ptr<T>(), static_cast<size_t>(3 * H) * sizeof(T));
    }
    T* rz_t = rz + t * R * 2 * H;
    const T* gi_t = gi + t * R * 3 * H;
    T* n_t = nn + t * R * H;
    T* ghn_t = ghn + t * R * H;
    fast::gru_pre_gates(gi_t, gh, rz_t, ghn_t, R, H);
    rz_steps_[static_cast<size_t>(t)].sigmoid_();
    fast::gru_candidate(gi_t, rz_t, ghn_t, n_t, R, H);
    n_steps_[static_cast<size_t>(t)].tanh_();
    fast::gru_output(rz_t, n_t, h_prev, hs + t * R * H, R, H);
  }
  T* q = q_.data_ptr<T>();
  blas::linear_rows(hs, w2_.data_ptr<T>(), b2_.data_ptr<T>(), q, N, actions_, H);
}

void FusedRnnAgent::backward(const torch::Tensor& dq) {
  torch::NoGradGuard no_grad;
  if (!can_backward_) throw ContractError("FusedRnnAgent: backward() without a forward() before it");
  if (dq.dim() != 3 || dq.size(0) != steps_ || dq.size(1) != rows_ || dq.size(2) != actions_) {
    throw ContractError("FusedRnnAgent: backward() needs dq [" + std::to_string(steps_) + ", " + std::to_string(rows_) +
                        ", " + std::to_string(actions_) + "]");
  }
  if (w1_.scalar_type() == torch::kFloat32)
    backward_steps<float>(dq.contiguous());
  else
    backward_steps<double>(dq.contiguous());
  can_backward_ = false;
}

template <class T>
void FusedRnnAgent::backward_steps(const torch::Tensor& dq_in) {
  const int64_t R = rows_, H = hidden_, N = steps_ * R, A = actions_;
  const T* dq = dq_in.data_ptr<T>();
  T* scratch = scratch_.data_ptr<T>();
  const T* hs = hs_.data_ptr<T>();
  // fc2.
  gemm(true, false, A, H, N, dq, A, hs, H, T(1), grad_of(w2_).data_ptr<T>(), H);
  add_column_sums(dq, N, A, cols_, scratch, grad_of(b2_));
  T* dhs = dhs_.data_ptr<T>();
  gemm(false, false, N, H, A, dq, A, w2_.data_ptr<T>(), H, T(0), dhs, H);

  // Through time: dh carries dL/dh_t from step t + 1 back to step t.
  const T* rz = rz_.data_ptr<T>();
  const T* nn = n_.data_ptr<T>();
  const T* ghn = ghn_.data_ptr<T>();
  T* dgi = dgi_.data_ptr<T>();
  T* dgh = dgh_.data_ptr<T>();
  T* dh = dh_.data_ptr<T>();
  std::memset(dh, 0, static_cast<size_t>(R * H) * sizeof(T));
  for (int64_t t = steps_ - 1; t >= 0; --t) {
    const T* h_prev = t > 0 ? hs + (t - 1) * R * H : nullptr;
    T* dgh_t = dgh + t * R * 3 * H;
    fast::gru_backward_step(dh, dhs + t * R * H, rz + t * R * 2 * H, nn + t * R * H, ghn + t * R * H, h_prev,
                            dgi + t * R * 3 * H, dgh_t, R, H);
    if (h_prev != nullptr) gemm(false, false, R, H, 3 * H, dgh_t, 3 * H, w_hh_.data_ptr<T>(), H, T(1), dh, H);
  }
  // Weight gradients of all steps at once. W_hh: step t's hidden gates
  // against h_{t-1}; step 0 saw the zero state and adds nothing.
  if (steps_ > 1) {
    gemm(true, false, 3 * H, H, N - R, dgh + R * 3 * H, 3 * H, hs, H, T(1), grad_of(w_hh_).data_ptr<T>(), H);
  }
  add_column_sums(dgh, N, 3 * H, cols_, scratch, grad_of(b_hh_));
  const T* a1 = a1_.data_ptr<T>();
  gemm(true, false, 3 * H, H, N, dgi, 3 * H, a1, H, T(1), grad_of(w_ih_).data_ptr<T>(), H);
  add_column_sums(dgi, N, 3 * H, cols_, scratch, grad_of(b_ih_));
  // fc1 through its ReLU.
  T* da1 = da1_.data_ptr<T>();
  gemm(false, false, N, H, 3 * H, dgi, 3 * H, w_ih_.data_ptr<T>(), H, T(0), da1, H);
  fast::relu_backward_inplace(da1, a1, N * H);
  if (sparse_active_) {
    typename SparseFirstLayer<T>::Grads g;
    g.weight = grad_of(w1_).data_ptr<T>();
    sparse_->get<T>().backward(fc1_params<T>(), da1, cols_, g);  // no norm: the column sums are not read
  } else {
    gemm(true, false, H, input_, N, da1, H, x_.data_ptr<T>(), input_, T(1), grad_of(w1_).data_ptr<T>(), input_);
  }
  add_column_sums(da1, N, H, cols_, scratch, grad_of(b1_));
}

}  // namespace marl
