#pragma once
// A strict reader for the small XML documents rate feeds publish. It accepts elements, attributes, text,
// comments, the XML declaration and the five predefined and numeric character references; it refuses DOCTYPE
// (no entity expansion), mismatched or unclosed tags, duplicate attributes and trailing content.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fx/errc.hpp"

namespace rgw::fx::xml {

struct Element {
  std::string name;  // as written, prefix included: "gesmes:Envelope"
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<Element> children;
  std::string text;  // character data directly inside, entities decoded

  const std::string* attribute(std::string_view attribute_name) const;
  const Element* child(std::string_view child_name) const;
};

// `document` in UTF-8, or in windows-1251 when its XML declaration says so (the Bank of Russia's feed).
// Any other declared encoding, or bytes that are not valid in the declared one, is errc::malformed_feed.
result<Element> parse(std::string_view document);

}  // namespace rgw::fx::xml
