// A tensor's shape as text ("[3, 8, 18]") for error messages.
//
// Why: every marl_torch block reports shape mismatches to plugin authors the
// same way; one spelling keeps messages consistent.
#pragma once

#include <torch/torch.h>

#include <string>

namespace marl {

std::string shape_of(const torch::Tensor& t);

}  // namespace marl
