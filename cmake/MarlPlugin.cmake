# marl_add_plugin(<name> KIND env|algorithm SOURCES <src>... [TORCH] [LIBS <lib>...])
#
# Builds a plugin shared library named libmarl_<kind>_<name>.so that the marl
# CLI discovers. Used in-tree and, through find_package(marl), by out-of-tree
# plugins. TORCH links LibTorch (and reuses the framework's precompiled header
# when building in-tree); environment plugins must not need it.
function(marl_add_plugin name)
  cmake_parse_arguments(ARG "TORCH" "KIND;OUTPUT_DIRECTORY" "SOURCES;LIBS" ${ARGN})
  if(NOT ARG_KIND MATCHES "^(env|algorithm)$")
    message(FATAL_ERROR "marl_add_plugin(${name}): KIND must be env or algorithm")
  endif()
  if(ARG_KIND STREQUAL "env")
    set(prefix marl_env_)
  else()
    set(prefix marl_algo_)
  endif()
  set(target ${prefix}${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX "lib"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  # Float arithmetic is never contracted into FMA, as in marl itself, so an
  # env's dynamics replay bit for bit; set on the plugin only, not on the
  # consuming project.
  target_compile_options(${target} PRIVATE -ffp-contract=off)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  elseif(DEFINED MARL_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${MARL_PLUGIN_OUTPUT_DIR})
  endif()
  if(TARGET marl::core)
    target_link_libraries(${target} PRIVATE marl::core)
  else()
    target_link_libraries(${target} PRIVATE marl_core)
  endif()
  if(ARG_TORCH)
    if(NOT TARGET marl::torch AND NOT TARGET marl_torch)
      message(FATAL_ERROR "marl_add_plugin(${name} TORCH): ask for the torch component: "
                          "find_package(marl REQUIRED COMPONENTS torch)")
    endif()
    if(TARGET marl::torch)
      target_link_libraries(${target} PRIVATE marl::torch)
    else()
      target_link_libraries(${target} PRIVATE marl_torch)
      if(TARGET marl_torch_pch)
        target_precompile_headers(${target} REUSE_FROM marl_torch_pch)
      endif()
    endif()
  endif()
  if(ARG_LIBS)
    target_link_libraries(${target} PRIVATE ${ARG_LIBS})
  endif()
  if(DEFINED MARL_INSTALL_PLUGIN_DIR AND NOT ARG_OUTPUT_DIRECTORY)
    # Installed plugins live in lib/marl/plugins and find libmarl_core and
    # libmarl_torch two folders up, wherever the tree is installed.
    set_target_properties(${target} PROPERTIES INSTALL_RPATH "$ORIGIN/../..")
    install(TARGETS ${target} LIBRARY DESTINATION ${MARL_INSTALL_PLUGIN_DIR})
  endif()
  set(MARL_LAST_PLUGIN_TARGET ${target} PARENT_SCOPE)
endfunction()
