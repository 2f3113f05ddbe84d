package dev.vectorsync.text;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextNormalizerTest {

    @Test
    void composesDecomposedVietnamese() {
        String decomposed = Normalizer.normalize("Phòng trọ Quận 7", Normalizer.Form.NFD);
        assertThat(decomposed).isNotEqualTo("Phòng trọ Quận 7");

        String normalized = TextNormalizer.normalize(decomposed, 1000);

        assertThat(normalized).isEqualTo("Phòng trọ Quận 7");
        assertThat(Normalizer.isNormalized(normalized, Normalizer.Form.NFC)).isTrue();
    }

    @Test
    void removesTagsAndDecodesEntities() {
        String html = "<p>Căn hộ &amp; phòng&nbsp;trọ</p><br/><b>giá rẻ</b> &gt; 3 triệu&#33;";

        assertThat(TextNormalizer.normalize(html, 1000))
                .isEqualTo("Căn hộ & phòng trọ giá rẻ > 3 triệu!");
    }

    @Test
    void decodesEntitiesWithoutTags() {
        assertThat(TextNormalizer.normalize("Gần chợ &amp; trường học", 1000))
                .isEqualTo("Gần chợ & trường học");
    }

    @Test
    void keepsLessThanThatIsNotATag() {
        assertThat(TextNormalizer.normalize("giá < 5 triệu, diện tích >20m2", 1000))
                .isEqualTo("giá < 5 triệu, diện tích >20m2");
    }

    @Test
    void blockTagsSeparateWords() {
        assertThat(TextNormalizer.normalize("<div>Quận 1</div><div>Quận 3</div>", 1000))
                .isEqualTo("Quận 1 Quận 3");
    }

    @Test
    void collapsesWhitespaceAndControls() {
        String text = "  Cho\tthuê\n\n phòng\u00a0\u00a0trọ\u200b mới \u0007 ";

        assertThat(TextNormalizer.normalize(text, 1000)).isEqualTo("Cho thuê phòng trọ mới");
    }

    @Test
    void nullStaysNull() {
        assertThat(TextNormalizer.normalize(null, 10)).isNull();
    }

    @Test
    void cutsAtByteLimitOnCodePointBoundary() {
        // "ệ" is three UTF-8 bytes; a limit that falls inside it must drop the whole letter.
        String text = "Việt Nam";

        assertThat(TextNormalizer.truncateUtf8(text, 1)).isEqualTo("V");
        assertThat(TextNormalizer.truncateUtf8(text, 2)).isEqualTo("Vi");
        assertThat(TextNormalizer.truncateUtf8(text, 3)).isEqualTo("Vi");
        assertThat(TextNormalizer.truncateUtf8(text, 4)).isEqualTo("Vi");
        assertThat(TextNormalizer.truncateUtf8(text, 5)).isEqualTo("Việ");
    }

    @Test
    void cutNeverExceedsLimitForLongVietnameseText() {
        String text = "Phòng trọ mới xây, đầy đủ nội thất, gần Đại học Bách Khoa 🏠 ".repeat(200);

        for (int limit : new int[] {1, 7, 64, 255, 1024, 4095}) {
            String cut = TextNormalizer.normalize(text, limit);
            byte[] bytes = cut.getBytes(StandardCharsets.UTF_8);
            assertThat(bytes.length).as("bytes at limit %d", limit).isLessThanOrEqualTo(limit);
            assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(cut);
            assertThat(cut).doesNotEndWith("\uD83C");
        }
    }

    @Test
    void surrogatePairIsNotSplit() {
        String text = "ab🏠";

        assertThat(TextNormalizer.truncateUtf8(text, 5)).isEqualTo("ab");
        assertThat(TextNormalizer.truncateUtf8(text, 6)).isEqualTo("ab🏠");
    }

    @Test
    void negativeLimitRejected() {
        assertThatThrownBy(() -> TextNormalizer.truncateUtf8("x", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBytes");
    }
}
