// The one translation unit that compiles Asio and Beast (BOOST_*_SEPARATE_COMPILATION).
#include <utility>  // before Asio: Boost 1.74 + g++ 12 need std::exchange declared first

#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
