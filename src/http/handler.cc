#include "http/handler.h"

#include <utility>

namespace apkd::http {
namespace {

class FunctionHandler final : public Handler {
 public:
  explicit FunctionHandler(HandlerFunction function) : function_(std::move(function)) {}
  Response Handle(const Request& request) override { return function_(request); }

 private:
  HandlerFunction function_;
};

}  // namespace

std::shared_ptr<Handler> MakeHandler(HandlerFunction function) {
  return std::make_shared<FunctionHandler>(std::move(function));
}

}  // namespace apkd::http
