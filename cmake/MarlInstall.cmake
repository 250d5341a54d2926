# `cmake --install` layout:
#   bin/marl, lib/libmarl_core.so (+ libmarl_torch.so), lib/libmarl_testing.a, lib/marl/plugins/*.so,
#   include/marl/*.h (plugin SDK), include/marl/host/*.h (runner API),
#   include/marl/torch/*.h (LibTorch blocks), lib/cmake/marl/ (find_package(marl) + marl_add_plugin()).
include(CMakePackageConfigHelpers)

# Two export sets, so that find_package(marl) needs LibTorch only for the
# torch component (marlConfig.cmake.in).
set_target_properties(marl_core PROPERTIES EXPORT_NAME core)
set_target_properties(marl_testing PROPERTIES EXPORT_NAME testing)
install(TARGETS marl_core marl_testing EXPORT marlTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(MARL_BUILD_TORCH)
  # Finds libmarl_core beside it wherever the tree is installed.
  set_target_properties(marl_torch PROPERTIES EXPORT_NAME torch INSTALL_RPATH "$ORIGIN")
  install(TARGETS marl_torch EXPORT marlTorchTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()
install(TARGETS marl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/framework/include/marl DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")
if(MARL_BUILD_TORCH)
  install(DIRECTORY ${CMAKE_SOURCE_DIR}/framework/include-torch/marl DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    FILES_MATCHING PATTERN "*.h")
endif()
install(FILES ${CMAKE_BINARY_DIR}/framework/include/marl/build_info.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/marl)

set(MARL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/marl)
install(EXPORT marlTargets NAMESPACE marl:: DESTINATION ${MARL_CMAKE_DIR})
if(MARL_BUILD_TORCH)
  install(EXPORT marlTorchTargets NAMESPACE marl:: DESTINATION ${MARL_CMAKE_DIR})
endif()
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/marlConfig.cmake.in
  ${CMAKE_BINARY_DIR}/marlConfig.cmake INSTALL_DESTINATION ${MARL_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/marlConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/marlConfig.cmake ${CMAKE_BINARY_DIR}/marlConfigVersion.cmake
  ${CMAKE_SOURCE_DIR}/cmake/MarlPlugin.cmake DESTINATION ${MARL_CMAKE_DIR})
