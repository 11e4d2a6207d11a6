// PersonNameKey: the exact-match key of a contact's name, so that "Wang Lei", "WANG, Lei",
// "Lei Wang" and "王磊"-with-a-title agree however the lead source ordered and decorated them.
#pragma once

#include <string>
#include <string_view>

namespace leadd::dedupe {

// FoldText (case, full-width, Traditional -> Simplified, punctuation), then:
// - Latin diacritics are stripped (Müller = Muller, François = Francois): ASCII-only forms,
//   GBK directories and OCR'd fair badges lose them, and a person's name is only one signal
//   next to email and phone. "Mueller" stays apart: undoing German digraphs would also turn
//   "Samuel" into "Samul". Other scripts are kept as written (no romanisation: 王磊 is not
//   "wang lei", which is a different, far more common, string).
// - Courtesy titles are dropped at either end (Mr, Mrs, Ms, Dr, Prof, Herr, Frau, Mme, Shri,
//   Smt, ...), and glued to a CJK name honorifics and the job titles directories write
//   instead of a given name (王先生, 李女士, 张总经理, 田中様, 김민수님). Generational
//   suffixes (Jr, Sr, III) stay: they tell father and son apart.
// - Hyphens split words (Jean-Pierre = Jean Pierre), apostrophes join (O'Brien = OBrien).
// - Words are sorted, so surname-first and given-name-first orders agree (Wang Lei = Lei Wang).
// Empty when nothing name-like is left.
std::string PersonNameKey(std::string_view name);

}  // namespace leadd::dedupe
