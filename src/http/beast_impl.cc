// The one translation unit that compiles Boost.Asio and Boost.Beast (separate compilation:
// BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION are defined for every
// apkd_http source and its users). Keeps the other TUs from re-instantiating the libraries.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
