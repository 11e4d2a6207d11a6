// The company domain of a lead: the registrable domain (eTLD+1, by the Public Suffix List) of
// its email address or website, unless that domain is a free-mail provider's.
#pragma once

#include <string>
#include <string_view>

namespace leadd::dedupe {

// The lower-case ASCII form of a host name, as DNS sees it: Unicode labels go through IDNA
// (UTS #46, non-transitional, as browsers do), so "Bücher.Example" and "xn--bcher-kva.example"
// agree and full-width letters or an ideographic full stop map to ASCII. A trailing dot is
// kept. Empty when it is no host name (empty labels, spaces, characters outside letters,
// digits, '-' and '_', a label that starts or ends with '-', labels over 63 or names over 253
// bytes, invalid UTF-8 or punycode).
std::string HostToAscii(std::string_view host);

// The registrable domain of a host or URL: "https://user@WWW.Example.co.uk:8443/a?b" gives
// "example.co.uk", "bücher.de." gives "xn--bcher-kva.de". Empty for an IP address, a bare
// public suffix ("co.uk"), a top-level domain the list does not know, or anything else that
// is not a host.
std::string RegistrableDomain(std::string_view host_or_url);

// Whether the domain is a free-mail or consumer mailbox provider's (dedupe/data/
// free_mail_domains.txt), either itself or through a parent down to its registrable domain
// ("vip.163.com" through "163.com"). Case and IDN as RegistrableDomain.
bool IsFreeMailDomain(std::string_view registrable_domain);

// The registrable domain of an email address's domain ("Jane <jane@sales.acme.co.uk>" gives
// "acme.co.uk") or of a website; empty when there is none or when it is a free-mail provider,
// which never identifies a company ("jane@gmail.com", "https://mail.163.com").
std::string CompanyDomainOf(std::string_view email_or_website);

}  // namespace leadd::dedupe
