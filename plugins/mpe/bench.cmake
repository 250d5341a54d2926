# Single-thread throughput of the MPE envs (bench/bench_mpe.cpp); kept here so
# the bench/ directory's own CMakeLists.txt needs no edit.
set(MARL_MPE_BENCH_SOURCE ${CMAKE_SOURCE_DIR}/bench/bench_mpe.cpp)
if(EXISTS ${MARL_MPE_BENCH_SOURCE})
  add_executable(bench_mpe ${MARL_MPE_BENCH_SOURCE})
  target_link_libraries(bench_mpe PRIVATE marl_mpe_sim)
  set_target_properties(bench_mpe PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
endif()
