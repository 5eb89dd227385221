// Catalog documents (PUT /v1/catalog/{sku}): a product that reads is stored as its canonical document, and
// that document reads back as the same product; every face value a listing shows can be redeemed.
#include <nlohmann/json.hpp>

#include "catalog/product.hpp"
#include "tests/fuzz/check.hpp"

using namespace rgw;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const auto document = nlohmann::json::parse(fuzz_text(data, size), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return 0;
  static const std::set<std::string> providers{"sandbox", "tango"};
  try {
    const auto product = catalog::product_from_json("SKU-1", document, &providers);
    const auto canonical = catalog::to_json(product);
    const auto again = catalog::to_json(catalog::product_from_json("SKU-1", canonical, &providers));
    FUZZ_CHECK(again == canonical);
    for (const auto& face : catalog::listed_face_values(product)) FUZZ_CHECK(catalog::offers(product, face));  // listed = redeemable
  } catch (const catalog::InvalidProduct&) {
  }
  return 0;
}
