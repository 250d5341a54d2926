// FusedMlp's sparse first layer (sparse_first_layer.h): when inputs take
// that path, and the row source of an update's minibatches.
#include "marl/error.h"
#include "marl/torch/fused_mlp.h"
#include "sparse_first_layer.h"

namespace marl {

template <class T>
typename SparseFirstLayer<T>::Params FusedMlp::sparse_params() const {
  const Layer& l = layers_.front();
  typename SparseFirstLayer<T>::Params p;
  p.weight = l.weight.data_ptr<T>();
  p.bias = l.bias.data_ptr<T>();
  if (has_input_norm_) {
    p.gamma = input_norm_.weight.data_ptr<T>();
    p.beta = input_norm_.bias.data_ptr<T>();
    p.eps = input_norm_.eps;
  }
  p.out = l.weight.size(0);
  p.in = l.weight.size(1);
  return p;
}

template SparseFirstLayer<float>::Params FusedMlp::sparse_params<float>() const;
template SparseFirstLayer<double>::Params FusedMlp::sparse_params<double>() const;

bool FusedMlp::sparse_allowed() const {
  return sparse_mode_ == SparseInputs::AnyWidth ||
         (sparse_mode_ == SparseInputs::Auto && input_size_ >= kMinSparseWidth);
}

void FusedMlp::set_row_source(const torch::Tensor& x) {
  torch::NoGradGuard no_grad;
  check_input(x);
  source_ = x.contiguous();
  source_sparse_ = false;
  if (sparse_allowed()) {
    const int64_t n = source_.size(0);
    source_sparse_ = source_.scalar_type() == torch::kFloat32
                         ? source_rows_->get<float>().gather(source_.data_ptr<float>(), n, input_size_, max_sparse_density_)
                         : source_rows_->get<double>().gather(source_.data_ptr<double>(), n, input_size_, max_sparse_density_);
  }
}

torch::Tensor FusedMlp::forward_rows(const torch::Tensor& idx_in) {
  torch::NoGradGuard no_grad;
  if (!source_.defined()) throw ContractError("FusedMlp: forward_rows() without set_row_source()");
  if (!source_sparse_) return forward(source_.index_select(0, idx_in));
  const torch::Tensor idx = idx_in.to(torch::kInt64).contiguous();
  const int64_t* ix = idx.data_ptr<int64_t>();
  const int64_t m = source_.size(0);
  for (int64_t r = 0; r < idx.numel(); ++r) {
    if (ix[r] < 0 || ix[r] >= m) throw ContractError("FusedMlp: forward_rows() index out of range");
  }
  input_ = torch::Tensor();  // the sparse backward needs only the sparse rows
  rows_ = idx.numel();
  if (source_.scalar_type() == torch::kFloat32) {
    sparse_->get<float>().take_rows(source_rows_->get<float>(), ix, rows_);
  } else {
    sparse_->get<double>().take_rows(source_rows_->get<double>(), ix, rows_);
  }
  sparse_active_ = true;
  return run_forward();
}

}  // namespace marl
