// Registers QMIX / VDN / IQL as the "qmix" algorithm plugin.
#include "marl/plugin.h"
#include "qmix_algorithm.h"

MARL_ALGORITHM_PLUGIN("qmix", "1.0.0",
                      "QMIX, VDN and IQL (param mixer = qmix | vdn | none): recurrent Q-learning "
                      "on episode replay with a value mixer (PyMARL defaults)",
                      marl::qmix::QmixAlgorithm, marl::qmix::qmix_params())
