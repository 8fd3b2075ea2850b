// Unicode simple case folding used by the case-insensitive lookups
// (iexact, icontains, istartswith, iendswith, iregex).
#include <catch2/catch.hpp>

#include <dorm/detail/unicode.hpp>
#include <dorm/detail/unicode_fold_table.hpp> // the table itself, checked below

#include <cstdint>
#include <string>
#include <string_view>

namespace {

using dorm::detail::fold_case;
using dorm::detail::fold_code_point;

// u8"" literals are always UTF-8 regardless of the compiler's execution
// character set; convert them to the std::string the library works with.
std::string s8(std::u8string_view text) {
    return std::string(text.begin(), text.end());
}

// Catch2 cannot print char32_t, so compare code points as integers.
std::uint32_t fold(std::uint32_t cp) {
    return static_cast<std::uint32_t>(fold_code_point(static_cast<char32_t>(cp)));
}

bool iequal(std::string_view a, std::string_view b) {
    return fold_case(a) == fold_case(b);
}

} // namespace

TEST_CASE("fold_case: ASCII", "[unicode][fold]") {
    CHECK(fold_case("Hello, World! 123") == "hello, world! 123");
    CHECK(fold_case("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "abcdefghijklmnopqrstuvwxyz");
    CHECK(fold_case("already lower") == "already lower");
    // Neighbours of A-Z are not letters and must not move.
    CHECK(fold_case("@[`{") == "@[`{");
    CHECK(fold('@') == '@');
    CHECK(fold('[') == '[');
    CHECK(fold('A') == 'a');
    CHECK(fold('Z') == 'z');
    CHECK(fold('z') == 'z');
    // Embedded NUL bytes are data, not terminators.
    CHECK(fold_case(std::string_view("A\0B", 3)) == std::string("a\0b", 3));
    CHECK(dorm::detail::is_ascii("plain text"));
    CHECK_FALSE(dorm::detail::is_ascii(s8(u8"caf\u00e9")));
    CHECK(dorm::detail::is_ascii(""));
}

TEST_CASE("fold_case: empty string", "[unicode][fold]") {
    CHECK(fold_case("").empty());
    CHECK(fold_case(std::string_view{}).empty());
}

TEST_CASE("fold_case: Latin-1", "[unicode][fold]") {
    CHECK(fold(0x00C9) == 0x00E9); // É -> é
    CHECK(fold(0x00E9) == 0x00E9);
    CHECK(fold_case(s8(u8"\u00c9COLE")) == s8(u8"\u00e9cole"));
    CHECK(fold_case(s8(u8"\u00c0\u00c9\u00ce\u00d5\u00dc")) ==
          s8(u8"\u00e0\u00e9\u00ee\u00f5\u00fc"));
    // × and ÷ sit inside the letter blocks but are not letters.
    CHECK(fold(0x00D7) == 0x00D7);
    CHECK(fold(0x00F7) == 0x00F7);
    // Ÿ lives in Latin Extended-A but its lowercase ÿ is in Latin-1.
    CHECK(fold(0x0178) == 0x00FF);
    // MICRO SIGN folds to Greek small mu.
    CHECK(fold(0x00B5) == 0x03BC);
    CHECK(iequal(s8(u8"5 \u00b5m"), s8(u8"5 \u039cM")));
}

TEST_CASE("fold_case: sharp s is not expanded by simple folding", "[unicode][fold]") {
    CHECK(fold(0x00DF) == 0x00DF); // ß stays ß
    CHECK(fold(0x1E9E) == 0x00DF); // capital ẞ -> ß
    CHECK(fold_case(s8(u8"STRA\u1e9eE")) == s8(u8"stra\u00dfe"));
    CHECK(iequal(s8(u8"Stra\u00dfe"), s8(u8"STRA\u1e9eE")));
    CHECK_FALSE(iequal(s8(u8"Stra\u00dfe"), "STRASSE")); // would need full folding
}

TEST_CASE("fold_case: Latin Extended-A alternating pairs", "[unicode][fold]") {
    CHECK(fold(0x0100) == 0x0101); // Ā -> ā
    CHECK(fold(0x0101) == 0x0101);
    CHECK(fold(0x0141) == 0x0142); // Ł -> ł
    CHECK(fold(0x0142) == 0x0142);
    CHECK(fold(0x0179) == 0x017A);                                                // Ź -> ź
    CHECK(fold_case(s8(u8"\u0141\u00d3D\u0179")) == s8(u8"\u0142\u00f3d\u017a")); // ŁÓDŹ
    CHECK(fold_case(s8(u8"\u0100\u0101\u0102\u0103")) == s8(u8"\u0101\u0101\u0103\u0103"));
}

TEST_CASE("fold_case: Greek sigma, including final sigma", "[unicode][fold]") {
    CHECK(fold(0x03A3) == 0x03C3);                                            // Σ -> σ
    CHECK(fold(0x03C3) == 0x03C3);                                            // σ
    CHECK(fold(0x03C2) == 0x03C3);                                            // final ς -> σ
    CHECK(fold_case(s8(u8"\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3")) // ΟΔΥΣΣΕΥΣ
          == s8(u8"\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c3"));
    CHECK(iequal(s8(u8"\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c2"), // οδυσσευς
                 s8(u8"\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3")));
    // Capital with prosgegrammeni folds to small with ypogegrammeni (status S).
    CHECK(fold(0x1F88) == 0x1F80);
    CHECK(fold(0x1FBC) == 0x1FB3);
}

TEST_CASE("fold_case: Cyrillic", "[unicode][fold]") {
    CHECK(fold(0x0416) == 0x0436); // Ж -> ж
    CHECK(fold(0x0401) == 0x0451); // Ё -> ё
    CHECK(fold_case(s8(u8"\u041c\u041e\u0421\u041a\u0412\u0410")) ==
          s8(u8"\u043c\u043e\u0441\u043a\u0432\u0430"));
}

TEST_CASE("fold_case: Armenian and Georgian", "[unicode][fold]") {
    CHECK(fold(0x0531) == 0x0561); // Ա -> ա
    CHECK(fold(0x0556) == 0x0586); // Ֆ -> ֆ
    CHECK(fold(0x0561) == 0x0561);
    CHECK(fold(0x10A0) == 0x2D00); // Georgian Asomtavruli Ⴀ -> Nuskhuri ⴀ
    CHECK(fold(0x1C90) == 0x10D0); // Georgian Mtavruli Ა -> Mkhedruli ა
    CHECK(fold(0x10D0) == 0x10D0);
}

TEST_CASE("fold_case: Deseret (4-byte UTF-8)", "[unicode][fold]") {
    CHECK(fold(0x10400) == 0x10428); // 𐐀 -> 𐐨
    CHECK(fold(0x10428) == 0x10428);
    const std::string upper = s8(u8"\U00010400\U00010401x");
    REQUIRE(upper.size() == 9);
    CHECK(fold_case(upper) == s8(u8"\U00010428\U00010429x"));
}

TEST_CASE("fold_case: compatibility letters fold to their ASCII/Latin-1 equivalents",
          "[unicode][fold]") {
    CHECK(fold(0x212A) == 'k');    // KELVIN SIGN
    CHECK(fold(0x017F) == 's');    // LATIN SMALL LETTER LONG S
    CHECK(fold(0x212B) == 0x00E5); // ANGSTROM SIGN -> å
    CHECK(fold(0x2126) == 0x03C9); // OHM SIGN -> ω
    // Folding may change the UTF-8 length (3 bytes -> 1, 2 bytes -> 1).
    CHECK(fold_case(s8(u8"300 \u212a")) == "300 k");
    CHECK(fold_case(s8(u8"\u017fun")) == "sun");
    CHECK(iequal(s8(u8"\u212aELVIN"), "kelvin"));
}

TEST_CASE("fold_case: dotted and dotless i", "[unicode][fold]") {
    CHECK(fold(0x0130) == 'i'); // İ -> i (simple lowercase mapping)
    CHECK(fold_case(s8(u8"\u0130stanbul")) == "istanbul");
    CHECK(fold(0x0131) == 0x0131); // dotless ı has no default folding
    CHECK_FALSE(iequal(s8(u8"\u0131"), "i"));
}

TEST_CASE("fold_case: Cherokee folds to the uppercase letters", "[unicode][fold]") {
    CHECK(fold(0xAB70) == 0x13A0); // small ꭰ -> Ꭰ (CaseFolding.txt direction)
    CHECK(fold(0x13A0) == 0x13A0);
    CHECK(fold(0x13F8) == 0x13F0);
    CHECK(iequal(s8(u8"\uab70"), s8(u8"\u13a0")));
}

TEST_CASE("fold_case: unmapped scripts and symbols pass through", "[unicode][fold]") {
    const std::string text =
        s8(u8"\u65e5\u672c\u8a9e \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \U0001F600 \u20ac");
    CHECK(fold_case(text) == text);
}

TEST_CASE("fold_case: invalid UTF-8 bytes are preserved", "[unicode][fold]") {
    CHECK(fold_case("\x80") == "\x80");                         // lone continuation byte
    CHECK(fold_case("\xFF\xFE") == "\xFF\xFE");                 // never valid in UTF-8
    CHECK(fold_case("A\xC3") == "a\xC3");                       // truncated 2-byte sequence
    CHECK(fold_case("\xC3Z") == "\xC3z");                       // lead byte followed by ASCII
    CHECK(fold_case("\xC0\xAF") == "\xC0\xAF");                 // overlong '/'
    CHECK(fold_case("\xE0\x80\xAF") == "\xE0\x80\xAF");         // overlong '/'
    CHECK(fold_case("\xED\xA0\x80") == "\xED\xA0\x80");         // UTF-16 surrogate
    CHECK(fold_case("\xF4\x90\x80\x80") == "\xF4\x90\x80\x80"); // above U+10FFFF
    // Garbage mixed with folding text: the valid parts still fold.
    const std::string mixed =
        std::string("A\xFF") + s8(u8"\u00c9") + "\xE2\x84" + s8(u8"\u212a") + "\xC3";
    const std::string expected = std::string("a\xFF") + s8(u8"\u00e9") + "\xE2\x84" + "k" + "\xC3";
    CHECK(fold_case(mixed) == expected);
    CHECK(fold_case(expected) == expected);
}

TEST_CASE("fold_case: idempotent and case-blind on mixed text", "[unicode][fold]") {
    const std::string mixed = s8(
        u8"Hello \u00c9cole \u0141\u00f3d\u017a \u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3 "
        u8"\u041c\u043e\u0441\u043a\u0432\u0430 \u0531\u0562 \U00010400 \u212a \u017f \u0130 "
        u8"\u1e9e \u65e5");
    const std::string once = fold_case(mixed);
    CHECK(once != mixed);
    CHECK(fold_case(once) == once);
    CHECK(once ==
          s8(u8"hello \u00e9cole \u0142\u00f3d\u017a "
             u8"\u03bf\u03b4\u03c5\u03c3\u03c3\u03b5\u03c5\u03c3 "
             u8"\u043c\u043e\u0441\u043a\u0432\u0430 \u0561\u0562 \U00010428 k s i \u00df \u65e5"));
}

TEST_CASE("decode_utf8 / append_utf8 round-trip at encoding boundaries", "[unicode][utf8]") {
    using dorm::detail::append_utf8;
    using dorm::detail::decode_utf8;
    for (const std::uint32_t cp :
         {0x0u, 0x7Fu, 0x80u, 0x7FFu, 0x800u, 0xD7FFu, 0xE000u, 0xFFFFu, 0x10000u, 0x10FFFFu}) {
        CAPTURE(cp);
        std::string encoded;
        append_utf8(encoded, static_cast<char32_t>(cp));
        const auto d = decode_utf8(encoded, 0);
        CHECK(d.length == encoded.size());
        CHECK(static_cast<std::uint32_t>(d.code_point) == cp);
    }
    std::string replaced;
    append_utf8(replaced, char32_t{0xD800}); // surrogates cannot be encoded
    CHECK(replaced == s8(u8"\ufffd"));
}

TEST_CASE("fold_code_point: exhaustive check against the generated table", "[unicode][fold]") {
    namespace u = dorm::detail::unicode;

    // The ranges are sorted, disjoint and well formed, so binary search is valid.
    for (std::size_t i = 0; i < u::fold_range_count; ++i) {
        const auto& r = u::fold_ranges[i];
        CAPTURE(i);
        REQUIRE(r.first <= r.last);
        REQUIRE((r.stride == 1 || r.stride == 2));
        REQUIRE((r.last - r.first) % r.stride == 0);
        if (i > 0) {
            REQUIRE(u::fold_ranges[i - 1].last < r.first);
        }
    }

    // Recompute the generator's count and checksum through the public lookup,
    // and check that folding is idempotent and always yields a valid scalar.
    std::uint32_t mapped = 0;
    std::uint32_t hash = 0x811C9DC5u;
    std::uint32_t not_idempotent = 0;
    std::uint32_t invalid_results = 0;
    const auto feed = [&hash](std::uint32_t word) {
        for (int shift = 0; shift < 32; shift += 8) {
            hash ^= (word >> shift) & 0xFFu;
            hash *= 0x01000193u;
        }
    };
    for (std::uint32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        const std::uint32_t f = fold(cp);
        if (f == cp) {
            continue;
        }
        ++mapped;
        feed(cp);
        feed(f);
        if (fold(f) != f) {
            ++not_idempotent;
        }
        if (f > 0x10FFFF || (f >= 0xD800 && f <= 0xDFFF)) {
            ++invalid_results;
        }
    }
    CHECK(mapped == u::fold_mapped_count);
    CHECK(hash == u::fold_checksum);
    CHECK(not_idempotent == 0);
    CHECK(invalid_results == 0);
    // Out-of-range input is returned unchanged.
    CHECK(fold(0x110000) == 0x110000);
}
