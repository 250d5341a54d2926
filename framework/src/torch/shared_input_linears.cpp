#include "marl/torch/shared_input_linears.h"

#include <string>

#include "marl/error.h"
#include "marl/torch/fused_mlp.h"
#include "sparse_first_layer.h"

namespace marl {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

template <class T>
typename SparseFirstLayer<T>::Params params_of(const torch::Tensor& w, const torch::Tensor& b) {
  typename SparseFirstLayer<T>::Params p;
  p.weight = w.data_ptr<T>();
  p.bias = b.data_ptr<T>();
  p.out = w.size(0);
  p.in = w.size(1);
  return p;
}

// y = x W^T + b from x's non-zeros, gathered by the caller into `sf` or
// `sd` (the one of x's dtype). The backward gathers them again rather than
// keeping them: an autograd context holds tensors, not C++ objects.
struct SparseLinearFunction : torch::autograd::Function<SparseLinearFunction> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& w,
                               const torch::Tensor& b, SparseFirstLayer<float>* sf, SparseFirstLayer<double>* sd) {
    const torch::Tensor wc = w.contiguous(), bc = b.contiguous();
    torch::Tensor z = torch::empty({x.size(0), w.size(0)}, w.options());
    if (x.scalar_type() == torch::kFloat32) {
      sf->forward(params_of<float>(wc, bc), z.data_ptr<float>());
    } else {
      sd->forward(params_of<double>(wc, bc), z.data_ptr<double>());
    }
    ctx->save_for_backward({x, wc, bc});
    return z;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor &x = saved[0], &w = saved[1], &b = saved[2];
    const torch::Tensor dz = grads[0].contiguous();
    torch::Tensor gw = torch::zeros_like(w);
    const std::vector<double> unused;  // column sums: read only with an input norm
    if (x.scalar_type() == torch::kFloat32) {
      SparseFirstLayer<float> s;
      s.gather(x.data_ptr<float>(), x.size(0), x.size(1), 1.0);
      typename SparseFirstLayer<float>::Grads g;
      g.weight = gw.data_ptr<float>();
      s.backward(params_of<float>(w, b), dz.data_ptr<float>(), unused, g);
    } else {
      SparseFirstLayer<double> s;
      s.gather(x.data_ptr<double>(), x.size(0), x.size(1), 1.0);
      typename SparseFirstLayer<double>::Grads g;
      g.weight = gw.data_ptr<double>();
      s.backward(params_of<double>(w, b), dz.data_ptr<double>(), unused, g);
    }
    return {torch::Tensor(), gw, dz.sum(0), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

std::vector<torch::Tensor> shared_input_linears(const torch::Tensor& x_in,
                                                const std::vector<torch::nn::LinearImpl*>& layers) {
  std::vector<torch::Tensor> out;
  const bool floating = x_in.scalar_type() == torch::kFloat32 || x_in.scalar_type() == torch::kFloat64;
  const bool candidate = x_in.dim() == 2 && floating && !x_in.requires_grad() &&
                         x_in.size(1) >= FusedMlp::kMinSparseWidth && x_in.size(0) > 0;
  const torch::Tensor x = candidate ? x_in.contiguous() : x_in;
  SparseFirstLayer<float> sf;
  SparseFirstLayer<double> sd;
  const bool sparse =
      candidate && (x.scalar_type() == torch::kFloat32
                        ? sf.gather(x.data_ptr<float>(), x.size(0), x.size(1), FusedMlp::kMaxSparseDensity)
                        : sd.gather(x.data_ptr<double>(), x.size(0), x.size(1), FusedMlp::kMaxSparseDensity));
  if (!sparse) {
    for (torch::nn::LinearImpl* l : layers) out.push_back(l->forward(x_in));
    return out;
  }
  std::vector<torch::Tensor> ws, bs;
  for (torch::nn::LinearImpl* l : layers) {
    if (!l->bias.defined()) throw ContractError("shared_input_linears: Linear layers without bias are not supported");
    if (l->weight.size(1) != x_in.size(1) || l->weight.scalar_type() != x_in.scalar_type()) {
      throw ContractError("shared_input_linears: a layer's input size or dtype differs from x's");
    }
    ws.push_back(l->weight);
    bs.push_back(l->bias);
  }
  const torch::Tensor z = SparseLinearFunction::apply(x, torch::cat(ws, 0), torch::cat(bs, 0), &sf, &sd);
  int64_t at = 0;
  for (torch::nn::LinearImpl* l : layers) {
    const int64_t n = l->weight.size(0);
    out.push_back(z.narrow(1, at, n));
    at += n;
  }
  return out;
}

}  // namespace marl
