#include "marl/torch/gumbel_softmax.h"

#include "marl/error.h"
#include "marl/torch/masked_categorical.h"

namespace marl {

torch::Tensor gumbel_softmax(const torch::Tensor& logits, double temperature, bool hard, torch::Generator& gen,
                             const torch::Tensor& avail) {
  if (!(temperature > 0.0)) {
    throw ContractError("gumbel_softmax: the temperature must be positive, got " + std::to_string(temperature));
  }
  const torch::Tensor masked =
      avail.defined() ? logits.masked_fill(avail == 0, MaskedCategorical::kMaskedLogit) : logits;
  torch::Tensor gumbel;
  {
    torch::NoGradGuard no_grad;
    // u in (0, 1): clamp away from 0 so that neither log is infinite.
    const torch::Tensor u = torch::rand(logits.sizes(), gen, logits.options()).clamp_min(1e-20);
    gumbel = -torch::log(-torch::log(u));
  }
  const torch::Tensor soft = torch::softmax((masked + gumbel) / temperature, -1);
  if (!hard) return soft;
  const torch::Tensor one_hot =
      torch::zeros_like(soft).scatter_(-1, soft.argmax(-1, /*keepdim=*/true), 1.0);
  return one_hot - soft.detach() + soft;
}

}  // namespace marl
