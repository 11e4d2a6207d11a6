// dedupe_quality: how well the owner matcher finds a lead's existing owner, on labelled data
// (docs/benchmarks.md, "Dedupe quality"; scripts/bench-dedupe-quality runs every dataset).
//
// The measure. Records are taken in order as leads. For each lead:
//  - truth: an earlier-registered record of the same entity exists (the lead has an owner);
//  - prediction: as the pipeline decides (dedupe::OwnershipOf): a registered email names its
//    customer, else FindOwner says kOwner (score >= auto_match); right when that customer is of
//    the lead's entity. A kOwner naming another entity's customer is a false positive and,
//    when the lead did have an owner, also a false negative (the right rep lost it as well);
//  - then the lead is taken, as the Functions take it: a lead given an owner goes to that
//    owner's rep (the owner rule) and adds its keys to the customer when it gives one the
//    customer lacks (GivesNewKeys, OwnerIndex::AddContact); any other lead is registered as a
//    new customer of the next of 10 reps in turn, whatever its entity, so that rep equality
//    never tells the matcher the truth.
// `--round-robin-only` registers every lead as a new customer of the next rep in turn instead
// (then a key shared by two customers of one entity is often "shared across reps", and names
// neither). "Flagged" repeats the count with kReview counted as a match.
//
// Datasets, with the lead fields mapped to what a lead would carry (a lead form or a list
// never carries a date of birth or an identity number, so those columns are never used):
//  - febrl4: Febrl persons; febrl4a is registered first as the customers, then each febrl4b
//    record comes as a lead (rec-N-dup-0 has the one owner rec-N-org). given name + surname ->
//    PersonNameKey as the contact; street number + address_1 + address_2 -> the street
//    address, suburb -> locality, postcode, state -> region (each FoldText); country AU.
//    Persons have no email, phone or company; date of birth and soc_sec_id are left out.
//  - splink: splink fake_1000 in unique_id order, entity = cluster. email -> EmailKey, first
//    name + surname -> PersonNameKey as the contact, city -> FoldText as the locality; dob
//    left out. The email's domain is not used as a company domain: in this set it is a
//    person's, not a firm's.
//  - chinese: bench/data/chinese_companies.csv (see bench/data/README.md), in record order.
//    company -> CompanyKey (its key, and its location apart), phone -> PhoneKey(phone,
//    country), email -> EmailKey and CompanyDomainOf, country as given.
//
//   dedupe_quality --dataset febrl4|splink|chinese [--data-dir DIR] [--chinese-csv FILE]
//                  [--auto-match X] [--review X] [--round-robin-only] [--errors]
//                  [--json]
// --errors prints every error with the matcher's explanation (ids and keys, no values).
// DIR holds febrl/ and splink_fake_1000/; by default $LEADD_SHARED_DATA/dedupe, else
// ../shared/data/dedupe beside the source tree.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bench/dedupe_quality_metrics.h"
#include "dedupe/company_key.h"
#include "dedupe/contact_keys.h"
#include "dedupe/domain_key.h"
#include "dedupe/email_key.h"
#include "dedupe/matcher.h"
#include "dedupe/owner_index.h"
#include "dedupe/owner_match.h"
#include "dedupe/person_name.h"
#include "dedupe/phone_key.h"
#include "dedupe/text_fold.h"

namespace leadd::bench {
namespace {

using dedupe::MatchFinding;

// One record with its keys normalised once, as the daemon normalises a lead on arrival.
struct LabelledRecord {
  std::string id = {};
  std::string entity = {};
  dedupe::ContactKeys keys = {};
};

// How many records gave a field, and how many of those the normaliser turned into a key.
struct KeyYield {
  int given = 0;
  int keyed = 0;
  void Add(std::string_view text, std::string_view key) {
    given += text.empty() ? 0 : 1;
    keyed += key.empty() ? 0 : 1;
  }
};

struct Dataset {
  std::string name;
  KeyYield emails;
  KeyYield phones;
  std::vector<LabelledRecord> customers;  // registered before any lead (febrl4a)
  std::vector<LabelledRecord> leads;      // judged in order, then taken
};

// A CSV line's fields: double quotes group, "" is a quote, spaces after a comma are dropped
// (Febrl writes ", value").
std::vector<std::string> CsvFields(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  bool field_start = true;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
      field_start = false;
    } else if (c == ',') {
      fields.emplace_back();
      field_start = true;
    } else if (c == ' ' && field_start) {
      continue;
    } else if (c != '\r') {
      fields.back() += c;
      field_start = false;
    }
  }
  return fields;
}

// The rows of a CSV file with a header, each as column name -> value.
std::optional<std::vector<std::unordered_map<std::string, std::string>>> ReadCsv(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "dedupe_quality: cannot read %s\n", path.c_str());
    return std::nullopt;
  }
  std::string line;
  std::vector<std::string> header;
  std::vector<std::unordered_map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields = CsvFields(line);
    if (header.empty()) {
      header = std::move(fields);
      continue;
    }
    auto& row = rows.emplace_back();
    for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) {
      row[header[i]] = std::move(fields[i]);
    }
  }
  return rows;
}

std::string PersonKey(const std::string& given, const std::string& surname) {
  return dedupe::PersonNameKey(given + " " + surname);
}

// Febrl ids are rec-<N>-org and rec-<N>-dup-<k>; <N> is the entity.
std::string FebrlEntity(const std::string& id) {
  const std::size_t start = id.find('-') + 1;
  return id.substr(start, id.find('-', start) - start);
}

std::optional<Dataset> LoadFebrl4(const std::string& dir) {
  Dataset dataset{"febrl4", {}, {}, {}, {}};
  for (const char* file : {"febrl_dataset4a.csv", "febrl_dataset4b.csv"}) {
    const auto rows = ReadCsv(dir + "/febrl/" + file);
    if (!rows) return std::nullopt;
    auto& into = dataset.customers.empty() ? dataset.customers : dataset.leads;
    for (const auto& row : *rows) {
      const std::string& id = row.at("rec_id");
      into.push_back(
          {.id = id,
           .entity = FebrlEntity(id),
           .keys = {.country = "AU",
                    .contact = PersonKey(row.at("given_name"), row.at("surname")),
                    .street = dedupe::FoldText(row.at("street_number") + " " + row.at("address_1") +
                                               " " + row.at("address_2")),
                    .locality = dedupe::FoldText(row.at("suburb")),
                    .postcode = dedupe::FoldText(row.at("postcode")),
                    .region = dedupe::FoldText(row.at("state"))}});
    }
  }
  return dataset;
}

std::optional<Dataset> LoadSplink(const std::string& dir) {
  const auto rows = ReadCsv(dir + "/splink_fake_1000/fake_1000.csv");
  if (!rows) return std::nullopt;
  Dataset dataset{"splink", {}, {}, {}, {}};
  for (const auto& row : *rows) {
    dataset.emails.Add(row.at("email"), dedupe::EmailKey(row.at("email")));
    dataset.leads.push_back({.id = row.at("unique_id"),
                             .entity = row.at("cluster"),
                             .keys = {.email = dedupe::EmailKey(row.at("email")),
                                      .contact = PersonKey(row.at("first_name"), row.at("surname")),
                                      .locality = dedupe::FoldText(row.at("city"))}});
  }
  std::sort(dataset.leads.begin(), dataset.leads.end(),
            [](const auto& a, const auto& b) { return std::stol(a.id) < std::stol(b.id); });
  return dataset;
}

std::optional<Dataset> LoadChinese(const std::string& path) {
  const auto rows = ReadCsv(path);
  if (!rows) return std::nullopt;
  Dataset dataset{"chinese", {}, {}, {}, {}};
  for (const auto& row : *rows) {
    const std::string& country = row.at("country");
    auto phone = dedupe::PhoneKey(row.at("phone"), country);
    dedupe::CompanyName company = dedupe::CompanyKey(row.at("company"));
    dataset.leads.push_back({.id = row.at("record_id"),
                             .entity = row.at("entity_id"),
                             .keys = {.email = dedupe::EmailKey(row.at("email")),
                                      .phone = phone ? std::move(phone).value() : std::string(),
                                      .domain = dedupe::CompanyDomainOf(row.at("email")),
                                      .company = std::move(company.key),
                                      .country = country,
                                      .company_location = std::move(company.location)}});
    dataset.emails.Add(row.at("email"), dataset.leads.back().keys.email);
    dataset.phones.Add(row.at("phone"), dataset.leads.back().keys.phone);
  }
  return dataset;
}

struct ErrorExample {
  std::string lead;
  std::string named;  // the customer the matcher named, or empty
  double score = 0.0;
};

struct RunResult {
  QualityCounts owner;    // kOwner is a match
  QualityCounts flagged;  // kOwner or kReview is a match
  std::int64_t review_flagged = 0;
  std::int64_t leads_with_owner = 0;
  std::vector<ErrorExample> false_positives;
  std::vector<ErrorExample> false_negatives;
};

constexpr std::size_t kExamples = 5;
constexpr int kReps = 10;

RunResult Run(const Dataset& dataset, const dedupe::MatchThresholds& thresholds,
              bool round_robin_only, bool print_errors = false) {
  RunResult result;
  dedupe::OwnerIndex index;
  std::unordered_map<std::string, int> registered_per_entity;
  std::vector<std::string> entity_of;  // by index id
  const std::vector<std::string> reps = [] {
    std::vector<std::string> names;
    for (int i = 0; i < kReps; ++i) names.push_back("rep-" + std::to_string(i));
    return names;
  }();
  std::size_t next_rep = 0;
  std::int64_t clock_ms = 0;
  const auto add = [&](const LabelledRecord& record, std::string_view rep) {
    index.Add(record.keys.AsCustomer(record.id, rep, ++clock_ms));
    entity_of.push_back(record.entity);
    ++registered_per_entity[record.entity];
  };
  for (const LabelledRecord& record : dataset.customers) add(record, reps[next_rep++ % kReps]);

  for (const LabelledRecord& lead : dataset.leads) {
    const dedupe::LeadKeys keys = lead.keys.ForMatching();
    MatchFinding finding = dedupe::FindOwner(index, keys, thresholds);
    // As the pipeline asks P:owner:email first: a registered email is its first holder's.
    if (const auto hit = index.Find(dedupe::KeyKind::kEmail, lead.keys.email); hit.customer) {
      finding.verdict = MatchFinding::Verdict::kOwner;
      finding.customer = hit.customer;
    }
    const bool has_owner = registered_per_entity.count(lead.entity) > 0;
    const bool owner = finding.verdict == MatchFinding::Verdict::kOwner;
    const bool review = finding.verdict == MatchFinding::Verdict::kReview;
    const bool same_entity = finding.customer && entity_of[*finding.customer] == lead.entity;
    result.owner.Add(has_owner, owner, same_entity);
    result.flagged.Add(has_owner, owner || review, same_entity);
    result.review_flagged += review ? 1 : 0;
    result.leads_with_owner += has_owner ? 1 : 0;

    const ErrorExample example{
        lead.id, finding.customer ? std::string(index.CustomerId(*finding.customer)) : "",
        finding.score};
    if (owner && !same_entity && result.false_positives.size() < kExamples) {
      result.false_positives.push_back(example);
    }
    if (has_owner && !(owner && same_entity) && result.false_negatives.size() < kExamples) {
      result.false_negatives.push_back(example);
    }
    if (print_errors && ((owner && !same_entity) || (has_owner && !(owner && same_entity)))) {
      std::printf("  error %s (entity %s): %s\n", lead.id.c_str(), lead.entity.c_str(),
                  finding.Explanation(index).c_str());
    }
    // Then the lead is taken, as in take_owner: a customer the matcher knew learns the keys it
    // was not found by yet; any other is registered for the rep the lead went to.
    if (owner && !round_robin_only) {
      if (dedupe::GivesNewKeys(index, *finding.customer, keys)) {
        index.AddContact(*finding.customer, lead.keys.AsCustomer(lead.id, "", ++clock_ms));
        entity_of.push_back(entity_of[*finding.customer]);
      }
    } else {
      add(lead, reps[next_rep++ % kReps]);
    }
  }
  return result;
}

void PrintCounts(const char* label, const QualityCounts& c) {
  std::printf("  %-8s P %.4f  R %.4f  F1 %.4f  (TP %lld  FP %lld  FN %lld  TN %lld)\n", label,
              c.Precision(), c.Recall(), c.F1(), static_cast<long long>(c.true_positives),
              static_cast<long long>(c.false_positives), static_cast<long long>(c.false_negatives),
              static_cast<long long>(c.true_negatives));
}

void PrintExamples(const char* label, const std::vector<ErrorExample>& examples) {
  std::printf("  %s:", label);
  if (examples.empty()) std::printf(" none");
  for (const ErrorExample& e : examples) {
    std::printf(" %s->%s(%.2f)", e.lead.c_str(), e.named.empty() ? "-" : e.named.c_str(), e.score);
  }
  std::printf("\n");
}

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string JsonCounts(const QualityCounts& c) {
  char text[256];
  std::snprintf(text, sizeof text,
                "{\"precision\": %.6f, \"recall\": %.6f, \"f1\": %.6f, \"tp\": %lld, "
                "\"fp\": %lld, \"fn\": %lld, \"tn\": %lld}",
                c.Precision(), c.Recall(), c.F1(), static_cast<long long>(c.true_positives),
                static_cast<long long>(c.false_positives),
                static_cast<long long>(c.false_negatives),
                static_cast<long long>(c.true_negatives));
  return text;
}

std::string JsonExamples(const std::vector<ErrorExample>& examples) {
  std::string out = "[";
  for (const ErrorExample& e : examples) {
    char score[32];
    std::snprintf(score, sizeof score, "%.4f", e.score);
    out += (out.size() > 1 ? ", " : "") + std::string("{\"lead\": ") + JsonString(e.lead) +
           ", \"named\": " + JsonString(e.named) + ", \"score\": " + score + "}";
  }
  return out + "]";
}

std::string DefaultDataDir() {
  if (const char* shared = std::getenv("LEADD_SHARED_DATA"); shared && *shared) {
    return std::string(shared) + "/dedupe";
  }
  return std::string(LEADD_SOURCE_DIR) + "/../shared/data/dedupe";
}

int Usage() {
  std::fprintf(stderr,
               "usage: dedupe_quality --dataset febrl4|splink|chinese [--data-dir DIR] "
               "[--chinese-csv FILE] [--auto-match X] [--review X] [--round-robin-only] "
               "[--errors] [--json]\n");
  return 2;
}

int Main(int argc, char** argv) {
  std::string dataset_name;
  std::string data_dir = DefaultDataDir();
  std::string chinese_csv = std::string(LEADD_SOURCE_DIR) + "/bench/data/chinese_companies.csv";
  dedupe::MatchThresholds thresholds;
  bool json = false;
  bool round_robin_only = false;
  bool print_errors = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--dataset" && has_value) {
      dataset_name = argv[++i];
    } else if (arg == "--data-dir" && has_value) {
      data_dir = argv[++i];
    } else if (arg == "--chinese-csv" && has_value) {
      chinese_csv = argv[++i];
    } else if (arg == "--auto-match" && has_value) {
      thresholds.auto_match = std::atof(argv[++i]);
    } else if (arg == "--review" && has_value) {
      thresholds.review = std::atof(argv[++i]);
    } else if (arg == "--round-robin-only") {
      round_robin_only = true;
    } else if (arg == "--errors") {
      print_errors = true;
    } else if (arg == "--json") {
      json = true;
    } else {
      return Usage();
    }
  }

  std::optional<Dataset> dataset;
  if (dataset_name == "febrl4") {
    dataset = LoadFebrl4(data_dir);
  } else if (dataset_name == "splink") {
    dataset = LoadSplink(data_dir);
  } else if (dataset_name == "chinese") {
    dataset = LoadChinese(chinese_csv);
  } else {
    return Usage();
  }
  if (!dataset) return 1;

  const RunResult main_run = Run(*dataset, thresholds, round_robin_only, print_errors && !json);
  std::vector<std::pair<double, RunResult>> sweep;
  for (int step = 80; step <= 99; ++step) {
    dedupe::MatchThresholds swept = thresholds;
    swept.auto_match = step / 100.0;
    swept.review = std::min(thresholds.review, swept.auto_match);
    sweep.emplace_back(swept.auto_match, Run(*dataset, swept, round_robin_only));
  }

  const std::size_t records = dataset->customers.size() + dataset->leads.size();
  if (json) {
    std::printf(
        "{\"dataset\": %s, \"records\": %zu, \"leads\": %zu, \"leads_with_owner\": %lld,"
        " \"auto_match\": %.2f, \"review\": %.2f, \"reps\": %s,\n",
        JsonString(dataset->name).c_str(), records, dataset->leads.size(),
        static_cast<long long>(main_run.leads_with_owner), thresholds.auto_match, thresholds.review,
        round_robin_only ? "\"round-robin\"" : "\"owner-inherits\"");
    std::printf(
        " \"emails_given\": %d, \"emails_keyed\": %d, \"phones_given\": %d,"
        " \"phones_keyed\": %d,\n",
        dataset->emails.given, dataset->emails.keyed, dataset->phones.given, dataset->phones.keyed);
    std::printf(" \"owner\": %s,\n \"flagged\": %s,\n \"review_flagged\": %lld,\n",
                JsonCounts(main_run.owner).c_str(), JsonCounts(main_run.flagged).c_str(),
                static_cast<long long>(main_run.review_flagged));
    std::printf(" \"false_positives\": %s,\n \"false_negatives\": %s,\n \"sweep\": [",
                JsonExamples(main_run.false_positives).c_str(),
                JsonExamples(main_run.false_negatives).c_str());
    for (std::size_t i = 0; i < sweep.size(); ++i) {
      std::printf("%s\n  {\"auto_match\": %.2f, \"owner\": %s}", i ? "," : "", sweep[i].first,
                  JsonCounts(sweep[i].second.owner).c_str());
    }
    std::printf("]}\n");
    return 0;
  }

  std::printf("dataset %s: %zu records, %zu leads, %lld with an earlier record of their entity\n",
              dataset->name.c_str(), records, dataset->leads.size(),
              static_cast<long long>(main_run.leads_with_owner));
  std::printf("keys: email %d of %d given, phone %d of %d given\n", dataset->emails.keyed,
              dataset->emails.given, dataset->phones.keyed, dataset->phones.given);
  std::printf("thresholds auto_match %.2f, review %.2f; reps %s\n", thresholds.auto_match,
              thresholds.review, round_robin_only ? "round-robin" : "owner's rep on kOwner");
  PrintCounts("owner", main_run.owner);
  PrintCounts("flagged", main_run.flagged);
  std::printf("  review-flagged leads: %lld\n", static_cast<long long>(main_run.review_flagged));
  PrintExamples("false positives (lead->named(score))", main_run.false_positives);
  PrintExamples("false negatives (lead->best candidate(score))", main_run.false_negatives);
  std::printf("  sweep of auto_match (review %.2f or auto_match if lower):\n", thresholds.review);
  for (const auto& [auto_match, run] : sweep) {
    char label[16];
    std::snprintf(label, sizeof label, "%.2f", auto_match);
    PrintCounts(label, run.owner);
  }
  return 0;
}

}  // namespace
}  // namespace leadd::bench

int main(int argc, char** argv) { return leadd::bench::Main(argc, argv); }
