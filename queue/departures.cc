#include "queue/departures.h"

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>

#include "queue/lead_transitions.h"

namespace leadd::queue {
namespace {

using boost::asio::awaitable;
using boost::asio::use_awaitable;
using Args = std::vector<std::string>;

// "L-12" sorts after "L-9".
bool ByLeadNumber(const std::string& a, const std::string& b) {
  const auto number = [](const std::string& id) {
    return StoredInt(std::string_view(id).substr(2));
  };
  return number(a) < number(b);
}

Result<std::int64_t> Element(const RedisReply& reply, std::size_t index) {
  if (!reply.IsArray() || reply.elements.size() <= index) {
    return Transient("unexpected reply shape from a departure function");
  }
  return reply.elements[index].AsInteger();
}

}  // namespace

awaitable<Result<DepartureStart>> Departures::Depart(std::string_view rep, DepartureMode mode,
                                                     std::string_view by) {
  Args args{keys_.Prefix(), std::string(rep), mode == DepartureMode::kTo ? "to" : "route",
            std::string(by)};
  auto command = FunctionCall("leadd_depart", {}, clock_, std::move(args));
  LEADD_CO_TRY(reply, co_await redis_.AsyncCommand(std::move(command), use_awaitable));
  DepartureStart start;
  LEADD_CO_TRY(newly, Element(reply, 0));
  LEADD_CO_TRY(open, Element(reply, 1));
  LEADD_CO_TRY(closed, Element(reply, 2));
  LEADD_CO_TRY(customers, Element(reply, 3));
  start.newly_departed = newly == 1;
  start.open = open;
  start.closed = closed;
  start.customers = customers;
  co_return start;
}

awaitable<Result<std::vector<std::string>>> Departures::OpenLeads(std::string_view rep,
                                                                  std::int64_t limit) {
  Args command{"SMEMBERS", RepOpenKey(keys_, rep)};
  LEADD_CO_TRY(reply, co_await redis_.AsyncCommand(std::move(command), use_awaitable));
  std::vector<std::string> ids;
  for (const auto& element : reply.elements) ids.push_back(element.str);
  std::sort(ids.begin(), ids.end(), ByLeadNumber);
  if (static_cast<std::int64_t>(ids.size()) > limit) ids.resize(static_cast<std::size_t>(limit));
  co_return ids;
}

awaitable<Result<void>> Departures::ForgetOpen(std::string_view rep, std::string_view lead_id) {
  Args command{"SREM", RepOpenKey(keys_, rep), std::string(lead_id)};
  LEADD_CO_TRYV(co_await redis_.AsyncCommand(std::move(command), use_awaitable));
  co_return Ok();
}

awaitable<Result<bool>> Departures::Requeue(std::string_view lead_id, std::string_view rep,
                                            std::string_view by) {
  Args args{keys_.Prefix(), std::string(lead_id), std::string(rep), std::string(by)};
  auto command = FunctionCall("leadd_requeue_departed", {keys_.Intake()}, clock_, std::move(args));
  LEADD_CO_TRY(reply, co_await redis_.AsyncCommand(std::move(command), use_awaitable));
  LEADD_CO_TRY(requeued, reply.AsInteger());
  co_return requeued == 1;
}

awaitable<Result<CustomerTransfer>> Departures::TransferCustomers(std::string_view rep,
                                                                  std::string_view to,
                                                                  std::int64_t batch,
                                                                  std::string_view by) {
  Args args{keys_.Prefix(), std::string(rep), std::string(to), std::to_string(batch),
            std::string(by)};
  auto command = FunctionCall("leadd_transfer_customers", {}, clock_, std::move(args));
  LEADD_CO_TRY(reply, co_await redis_.AsyncCommand(std::move(command), use_awaitable));
  CustomerTransfer moved;
  LEADD_CO_TRY(leads, Element(reply, 0));
  LEADD_CO_TRY(customers, Element(reply, 1));
  LEADD_CO_TRY(closed_left, Element(reply, 2));
  LEADD_CO_TRY(customers_left, Element(reply, 3));
  moved.leads = leads;
  moved.customers = customers;
  moved.closed_left = closed_left;
  moved.customers_left = customers_left;
  co_return moved;
}

awaitable<Result<RepHoldings>> Departures::Holdings(std::string_view rep) {
  RepHoldings holdings;
  const std::string absence_key = keys_.Prefix() + ":rep:" + std::string(rep) + ":absence";
  Args absence{"HMGET", absence_key, "from", "to", "delegate"};
  LEADD_CO_TRY(found, co_await redis_.AsyncCommand(std::move(absence), use_awaitable));
  if (found.elements.size() == 3 && found.elements[2].IsString()) {
    holdings.absence =
        Absence{WallTime{std::chrono::milliseconds(StoredInt(found.elements[0].str))},
                WallTime{std::chrono::milliseconds(StoredInt(found.elements[1].str))},
                found.elements[2].str};
  }
  Args open{"SCARD", RepOpenKey(keys_, rep)};
  LEADD_CO_TRY(open_count, co_await redis_.AsyncCommand(std::move(open), use_awaitable));
  Args closed{"SCARD", RepClosedKey(keys_, rep)};
  LEADD_CO_TRY(closed_count, co_await redis_.AsyncCommand(std::move(closed), use_awaitable));
  Args customers{"SCARD", RepCustomersKey(keys_, rep)};
  LEADD_CO_TRY(customer_count, co_await redis_.AsyncCommand(std::move(customers), use_awaitable));
  Args unmailed{"SCARD", RepUnmailedKey(keys_, rep)};
  LEADD_CO_TRY(unmailed_count, co_await redis_.AsyncCommand(std::move(unmailed), use_awaitable));
  Args departed{"SISMEMBER", DepartedKey(keys_), std::string(rep)};
  LEADD_CO_TRY(is_departed, co_await redis_.AsyncCommand(std::move(departed), use_awaitable));
  holdings.open = open_count.integer;
  holdings.closed = closed_count.integer;
  holdings.customers = customer_count.integer + unmailed_count.integer;
  holdings.departed = is_departed.integer == 1;
  co_return holdings;
}

awaitable<Result<std::vector<std::string>>> Departures::Departed() {
  Args command{"SMEMBERS", DepartedKey(keys_)};
  LEADD_CO_TRY(reply, co_await redis_.AsyncCommand(std::move(command), use_awaitable));
  std::vector<std::string> reps;
  for (const auto& element : reply.elements) reps.push_back(element.str);
  co_return reps;
}

}  // namespace leadd::queue
