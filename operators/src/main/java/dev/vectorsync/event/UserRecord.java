package dev.vectorsync.event;

import java.io.Serializable;
import java.util.Objects;

/**
 * The profile fields of one user that describe what the user looks for. Contact details (phone
 * numbers, e-mail) are never part of it, so they can never reach Milvus or a log.
 *
 * <p>Flink POJO: public fields and a no-argument constructor keep keyed state evolvable.
 */
public class UserRecord implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Free-text self description or search wish ("cần tìm phòng gần ĐH Bách Khoa..."). */
    public String bio;
    /** Category slug the user searches most, for example "phong-tro". */
    public String preferredCategory;
    public String preferredCity;
    public String preferredDistrict;
    public String preferredWard;
    /** Lowest monthly rent the user considers, VND. */
    public Long budgetMin;
    /** Highest monthly rent the user considers, VND. */
    public Long budgetMax;
    /** Smallest floor area the user considers, square metres. */
    public Double areaMin;
    /** Creation time, epoch milliseconds (UTC). */
    public Long createdAt;
    /** Last update time, epoch milliseconds (UTC). */
    public Long updatedAt;

    public UserRecord() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof UserRecord)) {
            return false;
        }
        UserRecord that = (UserRecord) o;
        return Objects.equals(bio, that.bio)
                && Objects.equals(preferredCategory, that.preferredCategory)
                && Objects.equals(preferredCity, that.preferredCity)
                && Objects.equals(preferredDistrict, that.preferredDistrict)
                && Objects.equals(preferredWard, that.preferredWard)
                && Objects.equals(budgetMin, that.budgetMin)
                && Objects.equals(budgetMax, that.budgetMax)
                && Objects.equals(areaMin, that.areaMin)
                && Objects.equals(createdAt, that.createdAt)
                && Objects.equals(updatedAt, that.updatedAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bio, preferredCity, preferredDistrict, budgetMin, budgetMax, updatedAt);
    }

    @Override
    public String toString() {
        return "UserRecord{preferredCity=" + preferredCity + ", budgetMax=" + budgetMax + "}";
    }
}
