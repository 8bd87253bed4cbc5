package org.rcnn4j.recipes;

/**
 * The demo's defaults: the best AP measured within 10 minutes on 2 CPU cores (see docs/demo-tuning-history.md for
 * the runs, their numbers and times; the same machine has run the same steps up to 17% slower at other hours).
 * Pretraining's 3500 steps of 32 scenes rather than 4000, for time: on 2 AVX2-only Zen 3 cores the demo took 11.7
 * minutes with 4000, and 9.6 to 9.9 with 3500 and the box head's products on oneDNN (8.7 for seed 0 once OpenMP's
 * idle spin was shortened). On AVX-512 (runs 26, 28, 31 and 33) 4000 had given seeds 0 and 2 box AP50 0.708 and
 * 0.718 against 0.709 and 0.695 with 3500; on the AVX2 machine, over seeds 0..3 (runs 67..70), box AP50 0.715
 * against 0.707 and mask AP50 0.680 against 0.682: no gain the seeds' spread can tell. As many scenes now come in
 * 1750 batches of 64 ({@link #PRETRAIN_STEPS}). The detector trains the backbone's last 3 stages (runs 71..74: box
 * AP50 0.714 against 0.707 over seeds 0..3, every seed over 0.7, steps 7% faster); 1800
 * detector steps instead of 1600 (runs 76..78) gained nothing the seeds could tell.
 */
public final class DemoRecipe {
    public static final int STEPS = 1600;
    public static final int BATCH = 4;
    public static final double LR = 0.04;
    static final int WARMUP = 100;
    public static final int TRAIN_SCENES = 3000;
    public static final int TEST_SCENES = 200;
    /**
     * Pretraining: 1750 steps of 64 one-item scenes at lr 0.03, as many scenes as the 3500 steps of 32 at lr 0.02
     * before, in about 0.85 of the time: much of a step of 32 scenes of 32x32 is the per-call cost of its small
     * convolutions, which a batch twice as large pays once. At lr 0.02 the box head named 81.0% of seed 0's
     * held-out single items (82.2% before), at 0.03 82.8%; 128 scenes at lr 0.02, 79.4%. Over seeds 0..3 (runs
     * 98..101, docs/demo-tuning-history.md) box AP50 0.738 against 0.736 and mask AP50 0.702 against 0.708 on the
     * mean: within the seeds' spread, for about half a minute less.
     */
    public static final int PRETRAIN_STEPS = 1750;
    public static final int PRETRAIN_SIZE = 32;
    public static final int PRETRAIN_BATCH = 64;
    public static final double PRETRAIN_LR = 0.03;
    /**
     * {@link SingleItemRehearsal}'s scenes per detector step and its loss's weight: over seeds 0..3 mask AP50 0.703
     * against 0.688 without it (higher on every seed), box AP50 0.726 against 0.717, for about 20 s. 32 scenes, or
     * weight 0.5, did worse on seed 0; weight 1 diverged.
     */
    public static final int REHEARSAL_ITEMS = 16;
    public static final double REHEARSAL_WEIGHT = 0.25;
    /**
     * Backbone stages the detector trains after pretraining (the last 3 of 4; stage 1 frozen), as torchvision's
     * detectors train a pretrained backbone's last 3 layers: see docs/demo-tuning-history.md, runs 71..74.
     */
    public static final int TRAINABLE_STAGES = 3;
    /**
     * The scales of the demo's second evaluation, each scene and its mirror at each ({@code TestTimeAugmentation}),
     * chosen on scenes of training items (runs 71..74's models; docs/demo-tuning-history.md): 0.875, 1 and 1.25
     * scored box AP50 0.733..0.777 there, 0.006 over 1 and 1.25 on the mean and never under it; adding 1.5 instead
     * did worse. On the held-out scenes: box AP50 0.749..0.781 against 0.701..0.738 without, mask AP50
     * 0.733..0.755 against 0.665..0.699, for about a minute.
     */
    public static final String TEST_TIME_SCALES = "0.875,1,1.25";

    private DemoRecipe() {
    }

    public static DetectorTraining.Settings settings(int steps, int batch, double lr, long seed) {
        return new DetectorTraining.Settings(steps, batch, lr, WARMUP, null, 0.9, 1e-4, 10.0, 0.5, seed, 200);
    }
}
