// Error types. Everything a user can cause (bad config, missing plugin, bad
// action from an algorithm) is reported as a marl::Error subclass with a
// message that names the file/key/agent involved; the CLI prints it and exits 2.
#pragma once

#include <stdexcept>
#include <string>

namespace marl {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Invalid experiment file, --set override or plugin parameter.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A plugin is missing, stale (ABI/build tag), broken, or its factory threw.
class PluginError : public Error {
 public:
  using Error::Error;
};

// An environment or algorithm broke its contract at run time
// (e.g. an action outside the action space).
class ContractError : public Error {
 public:
  using Error::Error;
};

// An algorithm handed the vector env an action outside an agent's action
// space or masked as unavailable (the algorithm's fault, not the env's).
class InvalidActionError : public ContractError {
 public:
  using ContractError::ContractError;
};

}  // namespace marl
