# Single-thread throughput of hide_and_seek (bench/bench_hide_and_seek.cpp);
# kept here so bench/CMakeLists.txt needs no edit.
set(MARL_HNS_BENCH_SOURCE ${CMAKE_SOURCE_DIR}/bench/bench_hide_and_seek.cpp)
if(TARGET marl_hide_and_seek_game AND EXISTS ${MARL_HNS_BENCH_SOURCE})
  add_executable(bench_hide_and_seek ${MARL_HNS_BENCH_SOURCE})
  target_link_libraries(bench_hide_and_seek PRIVATE marl_hide_and_seek_game)
  set_target_properties(bench_hide_and_seek PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
endif()
