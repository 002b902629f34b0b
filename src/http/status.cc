#include "http/status.h"

namespace apkd::http {

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

bool StatusForbidsBody(int status) {
  return (status >= 100 && status < 200) || status == status::kNoContent ||
         status == status::kNotModified;
}

int StatusFromErrorCode(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return status::kBadRequest;
    case ErrorCode::kNotFound:
      return status::kNotFound;
    case ErrorCode::kAlreadyExists:
      return status::kConflict;
    case ErrorCode::kUnauthenticated:
      return status::kUnauthorized;
    case ErrorCode::kPermissionDenied:
      return status::kForbidden;
    case ErrorCode::kCorrupt:
    case ErrorCode::kSignatureInvalid:
      return status::kUnprocessableEntity;
    case ErrorCode::kLimitExceeded:
      return status::kPayloadTooLarge;
    case ErrorCode::kUnavailable:
      return status::kServiceUnavailable;
    case ErrorCode::kIoError:
    case ErrorCode::kInternal:
      return status::kInternalServerError;
  }
  return status::kInternalServerError;
}

}  // namespace apkd::http
