package dev.vectorsync.milvus;

import dev.vectorsync.action.SyncAction;
import dev.vectorsync.action.SyncActionType;
import dev.vectorsync.embedding.EmbeddingTexts;
import dev.vectorsync.event.ChangeVersion;
import dev.vectorsync.event.EntityType;
import dev.vectorsync.event.PostRecord;
import dev.vectorsync.event.UserRecord;

/** Builds sync actions for the Milvus tests. */
final class SyncActions {

    static final String MODEL = "test-model";

    private SyncActions() {}

    static SyncAction postUpsert(long id, long version, String title, int dimension) {
        PostRecord post = new PostRecord();
        post.title = title;
        post.description = "Phòng sạch sẽ, có gác lửng, giờ giấc tự do, gần chợ và trường học.";
        post.address = "12 Nguyễn Thị Thập, Phường Tân Phú, Quận 7, Hồ Chí Minh";
        post.city = "Hồ Chí Minh";
        post.district = "Quận 7";
        post.ward = "Phường Tân Phú";
        post.status = "approved";
        post.category = "phong-tro";
        post.price = 3_500_000L;
        post.area = 25.5;
        post.userId = 77L;
        post.createdAt = 1_700_000_000_000L;
        post.updatedAt = 1_700_000_000_000L + version;

        SyncAction action = base(EntityType.POST, id, SyncActionType.UPSERT, version);
        action.post = post;
        embed(action, EmbeddingTexts.forPost(post), id, dimension);
        return action;
    }

    static SyncAction userUpsert(long id, long version, String bio, int dimension) {
        UserRecord user = new UserRecord();
        user.bio = bio;
        user.preferredCity = "Hà Nội";
        user.budgetMax = 4_000_000L;

        SyncAction action = base(EntityType.USER, id, SyncActionType.UPSERT, version);
        action.user = user;
        embed(action, EmbeddingTexts.forUser(user), id, dimension);
        return action;
    }

    static SyncAction delete(EntityType type, long id, long version) {
        return base(type, id, SyncActionType.DELETE, version);
    }

    private static SyncAction base(EntityType type, long id, SyncActionType actionType, long version) {
        SyncAction action = new SyncAction();
        action.entityType = type;
        action.id = id;
        action.type = actionType;
        action.version = new ChangeVersion(version, version, 0);
        return action;
    }

    /** Sets a deterministic, id-dependent unit-ish vector in place of a model's output. */
    private static void embed(SyncAction action, String text, long id, int dimension) {
        float[] vector = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            vector[i] = (float) Math.sin(id + i + 1);
        }
        action.embeddingText = text;
        action.textHash = EmbeddingTexts.sha256Hex(text);
        action.vector = vector;
        action.embeddingModel = MODEL;
        action.embeddingDimension = dimension;
    }
}
