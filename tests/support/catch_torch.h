// Catch2 for test files that also use LibTorch. Debian's LibTorch is built
// with glog, whose CHECK macro would silently replace Catch's (a failed check
// would abort the process instead of being reported). Include torch first,
// drop glog's CHECK, then Catch, whatever the include order elsewhere.
#pragma once

#include <torch/torch.h>
#undef CHECK
#include <catch2/catch.hpp>
