package dev.vectorsync.event;

import java.io.Serializable;
import java.util.Objects;

/**
 * The columns of one post row that vector-sync indexes. Text fields are already normalised when a
 * record leaves the decoder; numeric fields are null when the source row has no value.
 *
 * <p>Flink POJO: public fields and a no-argument constructor keep keyed state evolvable.
 */
public class PostRecord implements Serializable {

    private static final long serialVersionUID = 1L;

    public String title;
    public String description;
    public String address;
    public String ward;
    public String district;
    public String city;
    /** Moderation status as the backend writes it, lower case (for example "approved"). */
    public String status;
    public String category;
    /** Monthly rent in VND. */
    public Long price;
    /** Floor area in square metres. */
    public Double area;
    /** Id of the user who owns the post. */
    public Long userId;
    /** Creation time, epoch milliseconds (UTC). */
    public Long createdAt;
    /** Last update time, epoch milliseconds (UTC). */
    public Long updatedAt;

    public PostRecord() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PostRecord)) {
            return false;
        }
        PostRecord that = (PostRecord) o;
        return Objects.equals(title, that.title)
                && Objects.equals(description, that.description)
                && Objects.equals(address, that.address)
                && Objects.equals(ward, that.ward)
                && Objects.equals(district, that.district)
                && Objects.equals(city, that.city)
                && Objects.equals(status, that.status)
                && Objects.equals(category, that.category)
                && Objects.equals(price, that.price)
                && Objects.equals(area, that.area)
                && Objects.equals(userId, that.userId)
                && Objects.equals(createdAt, that.createdAt)
                && Objects.equals(updatedAt, that.updatedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(title, description, address, status, price, updatedAt);
    }

    @Override
    public String toString() {
        return "PostRecord{title='" + title + "', status=" + status + ", price=" + price + "}";
    }
}
