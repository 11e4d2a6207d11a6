# leadd_module(NAME SOURCES ... DEPS ...): one static library per stage folder, named
# leadd_<NAME>, included from the repository root so headers read "queue/redis_client.h".
function(leadd_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(leadd_${name} STATIC ${ARG_SOURCES})
  target_include_directories(leadd_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(leadd_${name} PUBLIC ${ARG_DEPS})
endfunction()

# leadd_test(NAME SOURCES ... DEPS ... LABELS ...): one gtest binary, each test case a ctest test.
function(leadd_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()
