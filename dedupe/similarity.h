// How alike two normalised names are, from 0 (nothing shared) to 1 (the same): the fuzzy half of
// matching a lead's company against registered customers.
#pragma once

#include <string_view>
#include <vector>

namespace leadd::dedupe {

// Jaro-Winkler over Unicode code points (a CJK name is compared character by character, not
// byte by byte); a common prefix of up to 4 code points raises the score, since company names
// that differ only at the end ("Acme Tools" / "Acme Tool") are more often the same company.
// Invalid UTF-8 bytes count as one code point each.
double JaroWinkler(std::string_view a, std::string_view b);

// The Dice coefficient of two token lists (2·shared / (|a| + |b|)), each token counted once:
// word order does not matter ("Lei Wang" / "Wang Lei"), and a token missing on one side costs
// less than in Jaro-Winkler.
double TokenDice(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b);

// TokenDice where two tokens also count as shared, by their Jaro-Winkler similarity, when that
// is at least `alike` ("tool" / "tools", "precison" / "precision"): a typo or a plural in one
// word costs little instead of the whole word. Each token pairs with at most one other.
double SoftTokenDice(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b,
                     double alike = 0.9);

// The same for token lists already sorted with their repeats removed (SortedTokens), so that a
// lead's tokens are prepared once for every candidate they are compared with.
double SoftTokenDiceOfSorted(const std::vector<std::string_view>& a,
                             const std::vector<std::string_view>& b, double alike = 0.9);

// How alike two people's names are word by word, in any order ("hall isla" / "isla hall"): each
// word of the name with fewer words pairs with the most alike unpaired word of the other, by
// Jaro-Winkler, most alike pairs first, and the pairs' similarities are averaged. Words only
// the longer name has are not counted here (a missing given name is not a different one); a
// substituted word is: "isabella ryan" / "isabella jessup" is about 0.7.
double PairedWordSimilarity(const std::vector<std::string_view>& a,
                            const std::vector<std::string_view>& b);

// Sorts `tokens` and removes repeats, in place.
void SortedTokens(std::vector<std::string_view>& tokens);

}  // namespace leadd::dedupe
