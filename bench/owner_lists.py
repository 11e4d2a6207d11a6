#!/usr/bin/env python3
"""The data of the owner-import benchmark (docs/benchmarks.md, "Owner import: sqlite3 peer").

  owner_lists.py --owners 1000000 --list 1000000 --out DIR

Writes three files into DIR, the same for the same arguments and --seed:

- owners.csv (rep,email,phone,country,company): the registered customers. Reps rep01..rep50;
  every email and every phone is unique, and each phone is a valid number of its country
  (DE, FR, GB, US, CN, IN), written in international form ("+49 30 12345678", "+4930...").
- list.csv (rep,email,phone,country): the list to dedupe against them. About 25% of its rows
  carry an owner's email written messily (upper case, spaces around, "mailto:"), 15% an owner's
  phone written another way (national, with spaces, dashes, dots or parentheses, or "00" and
  the calling code), 5% both of the same owner; the rest are new people. A row's country is
  its person's, and its rep is any rep. It has no company column: both sides of the benchmark
  match on exact email and phone only.
- truth.json: how many list rows match an owner by email or phone once both are normalised,
  as the generator made them, and the counts of each kind of row.

Uniqueness holds across both files: a new person's email and phone are nobody else's, so a
list row matches an owner exactly when the generator made it do so. Every address is at a
free-mail provider (no company domain to match on), and local parts end in the person's
number, so no folding of dots or "+tags" can make two of them one. Company names are two
random words from a vocabulary whose words are pairwise unalike, so that no two owners' names
are close enough for a fuzzy company match to make one the other's duplicate.
"""

import argparse
import csv
import json
import math
import os
import random
import string
import sys

REPS = [f"rep{n:02d}" for n in range(1, 51)]

FIRST_NAMES = ("anna", "ben", "carla", "david", "elena", "felix", "grace", "hugo", "ines",
               "jonas", "karin", "liam", "maria", "noah", "olga", "paul", "qing", "rahul",
               "sofia", "tom", "ursula", "victor", "wei", "xavier", "yuki", "zoe", "amit",
               "chen", "lea", "marc", "nina", "priya", "sara", "jan", "lucas", "emma")
LAST_NAMES = ("schmidt", "martin", "smith", "johnson", "wang", "sharma", "mueller", "bernard",
              "jones", "brown", "li", "patel", "weber", "dubois", "taylor", "miller", "zhang",
              "singh", "fischer", "laurent", "wilson", "davis", "liu", "kumar", "becker",
              "moreau", "evans", "garcia", "chen", "gupta")


def digits(value, width):
    return str(value).zfill(width)


class Country:
    """One country's numbers: `capacity` distinct valid national significant numbers, reached
    through a fixed permutation so consecutive people do not get consecutive numbers."""

    def __init__(self, code, calling_code, weight, domains, legal_form, capacity, national_number,
                 international, national_forms):
        self.code = code
        self.calling_code = calling_code
        self.weight = weight
        self.domains = domains
        self.legal_form = legal_form
        self.capacity = capacity
        self.national_number = national_number  # index -> national significant number
        self.international = international  # nsn -> "+CC ..." as a form writes it
        self.national_forms = national_forms  # [nsn -> national writing]
        self.used = 0
        self.stride = next(p for p in range(1_000_003, capacity, 2)
                           if math.gcd(p, capacity) == 1)

    def next_number(self):
        if self.used >= self.capacity:
            sys.exit(f"out of {self.code} phone numbers")
        nsn = self.national_number((self.used * self.stride + 12345) % self.capacity)
        self.used += 1
        return nsn


def de_number(i):  # Berlin: 30 and eight digits, the first 2-9
    return "30" + str(20_000_000 + i)


def fr_number(i):  # mobile: 6, a second digit other than 3 and 9, seven more
    second = "01245678"[i // 10_000_000]
    return "6" + second + digits(i % 10_000_000, 7)


def gb_number(i):  # London: 20, then 3 or 7, seven more
    return "20" + "37"[i // 10_000_000] + digits(i % 10_000_000, 7)


US_AREAS = ("212", "415", "312", "617", "206", "305", "404", "512", "713", "303")
# Exchanges 200-999 except the N11 service codes and 555, whose 01xx lines are fictional.
US_EXCHANGES = [e for e in range(200, 1000) if e % 100 != 11 and e != 555]


def us_number(i):
    line = i % 10_000
    rest = i // 10_000
    exchange = US_EXCHANGES[rest % len(US_EXCHANGES)]
    area = US_AREAS[rest // len(US_EXCHANGES)]
    return f"{area}{exchange}{digits(line, 4)}"


def cn_number(i):  # mobile: 13x or 18x, eight more digits
    return "1" + "38"[i // 1_000_000_000] + digits(i % 1_000_000_000, 9)


def in_number(i):  # mobile: 9 and nine more digits
    return "9" + digits(i, 9)


def spaced(nsn, *groups):
    parts, at = [], 0
    for size in groups:
        parts.append(nsn[at:at + size])
        at += size
    if at < len(nsn):
        parts.append(nsn[at:])
    return parts


COUNTRIES = [
    Country("DE", "49", 20, ("web.de", "gmx.de", "gmail.com", "outlook.com"), "GmbH",
            80_000_000, de_number,
            lambda n: "+49 " + " ".join(spaced(n, 2)),
            [lambda n: "0" + " ".join(spaced(n, 2)),
             lambda n: "0" + "-".join(spaced(n, 2)),
             lambda n: "(0" + n[:2] + ") " + n[2:6] + " " + n[6:]]),
    Country("FR", "33", 15, ("orange.fr", "free.fr", "gmail.com"), "SARL",
            80_000_000, fr_number,
            lambda n: "+33 " + " ".join(spaced(n, 1, 2, 2, 2, 2)),
            [lambda n: "0" + " ".join(spaced(n, 1, 2, 2, 2, 2)),
             lambda n: "0" + ".".join(spaced(n, 1, 2, 2, 2, 2)),
             lambda n: "0" + "-".join(spaced(n, 1, 2, 2, 2, 2))]),
    Country("GB", "44", 15, ("hotmail.co.uk", "gmail.com", "outlook.com"), "Ltd",
            20_000_000, gb_number,
            lambda n: "+44 " + " ".join(spaced(n, 2, 4)),
            [lambda n: "0" + " ".join(spaced(n, 2, 4)),
             lambda n: "(0" + n[:2] + ") " + n[2:6] + " " + n[6:],
             lambda n: "0" + "-".join(spaced(n, 2, 4))]),
    Country("US", "1", 20, ("gmail.com", "yahoo.com", "outlook.com", "icloud.com"), "Inc",
            len(US_AREAS) * len(US_EXCHANGES) * 10_000, us_number,
            lambda n: "+1 " + " ".join(spaced(n, 3, 3)),
            [lambda n: f"({n[:3]}) {n[3:6]}-{n[6:]}",
             lambda n: "-".join(spaced(n, 3, 3)),
             lambda n: ".".join(spaced(n, 3, 3))]),
    Country("CN", "86", 15, ("qq.com", "163.com", "126.com"), "Co Ltd",
            2_000_000_000, cn_number,
            lambda n: "+86 " + " ".join(spaced(n, 3, 4)),
            [lambda n: " ".join(spaced(n, 3, 4)),
             lambda n: "-".join(spaced(n, 3, 4)),
             lambda n: n]),
    Country("IN", "91", 15, ("gmail.com", "yahoo.co.in", "rediffmail.com"), "Pvt Ltd",
            1_000_000_000, in_number,
            lambda n: "+91 " + " ".join(spaced(n, 5)),
            [lambda n: "0" + " ".join(spaced(n, 5)),
             lambda n: " ".join(spaced(n, 5)),
             lambda n: "-".join(spaced(n, 5))]),
]


def jaro_winkler(a, b):
    if a == b:
        return 1.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    taken = [False] * len(b)
    matched_a = []
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not taken[j] and b[j] == ch:
                taken[j] = True
                matched_a.append(ch)
                break
    m = len(matched_a)
    if m == 0:
        return 0.0
    matched_b = [b[j] for j in range(len(b)) if taken[j]]
    transpositions = sum(x != y for x, y in zip(matched_a, matched_b)) / 2
    jaro = (m / len(a) + m / len(b) + (m - transpositions) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4]):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def vocabulary(rng, size):
    """Random 8-letter words, none within the matcher's "alike" distance of another (Jaro-
    Winkler 0.9), so that a typo-tolerant comparison of two names finds exactly the words they
    share. Two 8-letter words reach 0.9 only with six letters in common: only such pairs are
    compared in full, and dropped from 0.85."""
    words, counts = [], []
    while len(words) < size:
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(8))
        count = [word.count(c) for c in string.ascii_lowercase]
        if any(sum(map(min, count, other)) >= 6 and jaro_winkler(word, w) >= 0.85
               for w, other in zip(words, counts)):
            continue
        words.append(word)
        counts.append(count)
    return [w.capitalize() for w in words]


def company_names(rng, count):
    """`count` names of two different words each, no two with the same pair."""
    size = 2
    while size * (size - 1) // 2 < 2 * count:
        size += 1
    words = vocabulary(rng, size)
    names = []
    for rank in rng.sample(range(size * (size - 1) // 2), count):
        # Unranks the rank-th pair (i, j), i < j, of the lexicographic order.
        i = size - 2 - int((math.sqrt(4 * size * (size - 1) - 8 * rank - 7) - 1) / 2)
        j = rank + i + 1 - size * (size - 1) // 2 + (size - i) * (size - i - 1) // 2
        first, second = (words[i], words[j]) if rng.random() < 0.5 else (words[j], words[i])
        names.append(f"{first} {second}")
    return names


class People:
    """New people: each with an email and a phone no one else has."""

    def __init__(self, rng):
        self.rng = rng
        self.count = 0
        self.weights = [c.weight for c in COUNTRIES]

    def new(self, country=None):
        """A new person of `country` (any, by the countries' weights, when None)."""
        self.count += 1
        country = country or self.rng.choices(COUNTRIES, self.weights)[0]
        separator = self.rng.choice((".", "_", "", "-"))
        local = (self.rng.choice(FIRST_NAMES) + separator + self.rng.choice(LAST_NAMES) +
                 str(self.count))
        email = f"{local}@{self.rng.choice(country.domains)}"
        return country, email, country.next_number()


def international(rng, country, nsn):
    if rng.random() < 0.3:
        return f"+{country.calling_code}{nsn}"
    return country.international(nsn)


def messy_email(rng, email):
    """The address as a careless form or a copied link writes it; at least one change."""
    while True:
        changes = [rng.random() < 0.5 for _ in range(3)]
        if any(changes):
            break
    upper, spaces, mailto = changes
    if upper:
        email = email.upper() if rng.random() < 0.5 else email.capitalize()
    if mailto:
        email = rng.choice(("mailto:", "MAILTO:", "Mailto:")) + email
    if spaces:
        email = " " * rng.randint(1, 2) + email + " " * rng.randint(0, 2)
    return email


def other_phone(rng, country, nsn):
    """The owner's number written otherwise: nationally, or with "00" for "+"."""
    if rng.random() < 0.3:
        return f"00{country.calling_code} " + country.international(nsn)[len(country.calling_code) + 2:]
    return rng.choice(country.national_forms)(nsn)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--owners", type=int, default=1_000_000)
    p.add_argument("--list", type=int, default=1_000_000)
    p.add_argument("--out", required=True, help="directory for owners.csv, list.csv, truth.json")
    p.add_argument("--seed", type=int, default=20261124)
    p.add_argument("--email-share", type=float, default=0.25,
                   help="list rows with an owner's email only")
    p.add_argument("--phone-share", type=float, default=0.15,
                   help="list rows with an owner's phone only")
    p.add_argument("--both-share", type=float, default=0.05,
                   help="list rows with an owner's email and phone")
    return p.parse_args()


def main():
    opt = parse_args()
    if opt.owners < 1 or opt.list < 0:
        sys.exit("--owners must be at least 1 and --list at least 0")
    rng = random.Random(opt.seed)
    os.makedirs(opt.out, exist_ok=True)
    people = People(rng)

    owners = []  # (country, email, nsn) of each owner, to write list rows from
    companies = company_names(rng, opt.owners)
    with open(os.path.join(opt.out, "owners.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(("rep", "email", "phone", "country", "company"))
        for company in companies:
            country, email, nsn = people.new()
            owners.append((country, email, nsn))
            out.writerow((rng.choice(REPS), email, international(rng, country, nsn), country.code,
                          f"{company} {country.legal_form}"))

    kinds = {"email": 0, "phone": 0, "both": 0, "new": 0}
    with open(os.path.join(opt.out, "list.csv"), "w", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(("rep", "email", "phone", "country"))
        for _ in range(opt.list):
            draw = rng.random()
            if draw < opt.email_share + opt.phone_share + opt.both_share:
                # The owner's person again, with another email or line of their own where
                # only one key is the owner's.
                country, owner_email, owner_nsn = rng.choice(owners)
                _, email, nsn = people.new(country)
                if draw < opt.email_share:
                    kind = "email"
                    email = messy_email(rng, owner_email)
                    phone = international(rng, country, nsn)
                elif draw < opt.email_share + opt.phone_share:
                    kind = "phone"
                    phone = other_phone(rng, country, owner_nsn)
                else:
                    kind = "both"
                    email = messy_email(rng, owner_email)
                    phone = other_phone(rng, country, owner_nsn)
            else:
                kind = "new"
                country, email, nsn = people.new()
                phone = rng.choice((international, other_phone))(rng, country, nsn)
            kinds[kind] += 1
            out.writerow((rng.choice(REPS), email, phone, country.code))

    truth = {
        "owners": opt.owners,
        "list_rows": opt.list,
        "seed": opt.seed,
        "matching": kinds["email"] + kinds["phone"] + kinds["both"],
        "by_email": kinds["email"] + kinds["both"],
        "by_phone": kinds["phone"] + kinds["both"],
        "rows": kinds,
    }
    with open(os.path.join(opt.out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=2)
        f.write("\n")
    print(json.dumps(truth))


if __name__ == "__main__":
    main()
