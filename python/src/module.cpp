// marl._core: the C++ side of the Python package (python/marl/). Errors keep
// the CLI's messages: marl.ConfigError (a ValueError) for bad parameters,
// marl.PluginError for a missing or broken plugin, marl.InvalidActionError
// (a ValueError) for an action outside its space or masked.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "marl/abi.h"
#include "marl/error.h"
#include "vector_env_handle.h"

namespace py = pybind11;
using marl::python::VectorEnvHandle;
using marl::python::VectorEnvOptions;

PYBIND11_MODULE(_core, m) {
  m.doc() = "marl's environments (C++ core); use the marl package, not this module";
  m.attr("BUILD_PLUGIN_DIR") = MARL_PY_BUILD_PLUGIN_DIR;
  m.attr("BUILD_PACKAGE_DIR") = MARL_PY_BUILD_PACKAGE_DIR;
  m.attr("INSTALL_PLUGIN_DIR_FROM_PACKAGE") = MARL_PY_INSTALL_PLUGIN_DIR_REL;
  m.attr("ABI_VERSION") = std::to_string(MARL_ABI_MAJOR) + "." + std::to_string(MARL_ABI_MINOR);

  static py::exception<marl::Error> error(m, "Error", PyExc_RuntimeError);
  static py::exception<marl::ConfigError> config_error(m, "ConfigError", PyExc_ValueError);
  static py::exception<marl::PluginError> plugin_error(m, "PluginError", error.ptr());
  static py::exception<marl::InvalidActionError> invalid_action(m, "InvalidActionError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const marl::InvalidActionError& e) {
      invalid_action(e.what());
    } catch (const marl::ConfigError& e) {
      config_error(e.what());
    } catch (const marl::PluginError& e) {
      plugin_error(e.what());
    } catch (const marl::Error& e) {
      error(e.what());
    }
  });

  py::class_<VectorEnvHandle>(m, "VectorEnv")
      .def(py::init([](const std::string& plugin, std::vector<std::string> sets, const std::string& source,
                       int num_envs, int threads, uint64_t seed, std::vector<std::filesystem::path> plugin_dirs) {
             VectorEnvOptions o;
             o.plugin = plugin;
             o.sets = std::move(sets);
             o.source = source;
             o.num_envs = num_envs;
             o.threads = threads;
             o.seed = seed;
             o.plugin_dirs = std::move(plugin_dirs);
             return std::make_unique<VectorEnvHandle>(o);
           }),
           py::arg("plugin"), py::arg("sets"), py::arg("source"), py::arg("num_envs"), py::arg("threads"),
           py::arg("seed"), py::arg("plugin_dirs"))
      .def("spec", &VectorEnvHandle::spec)
      .def_property_readonly("plugin_name", &VectorEnvHandle::plugin_name)
      .def_property_readonly("num_envs", &VectorEnvHandle::num_envs)
      .def_property_readonly("num_agents", &VectorEnvHandle::num_agents)
      .def("reset", &VectorEnvHandle::reset)
      .def("reseed", &VectorEnvHandle::reseed, py::arg("seed"))
      .def("step", &VectorEnvHandle::step)
      .def("obs", [](py::object self) { return self.cast<VectorEnvHandle&>().obs(self); })
      .def("state", [](py::object self) { return self.cast<VectorEnvHandle&>().state(self); })
      .def("avail", [](py::object self) { return self.cast<VectorEnvHandle&>().avail(self); })
      .def("active", [](py::object self) { return self.cast<VectorEnvHandle&>().active(self); })
      .def("is_first", [](py::object self) { return self.cast<VectorEnvHandle&>().is_first(self); })
      .def("reward", [](py::object self) { return self.cast<VectorEnvHandle&>().reward(self); })
      .def("terminated", [](py::object self) { return self.cast<VectorEnvHandle&>().terminated(self); })
      .def("truncated", [](py::object self) { return self.cast<VectorEnvHandle&>().truncated(self); })
      .def("final_obs", [](py::object self) { return self.cast<VectorEnvHandle&>().final_obs(self); })
      .def("final_state", [](py::object self) { return self.cast<VectorEnvHandle&>().final_state(self); })
      .def("final_avail", [](py::object self) { return self.cast<VectorEnvHandle&>().final_avail(self); })
      .def("final_active", [](py::object self) { return self.cast<VectorEnvHandle&>().final_active(self); })
      .def("discrete_actions", [](py::object self) { return self.cast<VectorEnvHandle&>().discrete_actions(self); })
      .def("continuous_actions",
           [](py::object self) { return self.cast<VectorEnvHandle&>().continuous_actions(self); })
      .def("finished_episodes", &VectorEnvHandle::finished_episodes)
      .def("render", &VectorEnvHandle::render, py::arg("env") = 0);
}
