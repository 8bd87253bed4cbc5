package org.rcnn4j.detection;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The state_dict key renames torchvision applies when loading files saved before its modules' version 2 (the
 * 2019 COCO checkpoints): FPN blocks {inner,layer}_blocks.i.{weight,bias} became .i.0.*, the RPN head's
 * conv.{weight,bias} became conv.0.0.*, the mask head's mask_fcn{k}.* became {k-1}.0.*.
 */
public final class LegacyKeys {
    private static final Pattern FPN = Pattern.compile("(.*\\bfpn\\.)(inner_blocks|layer_blocks)\\.(\\d+)\\.(weight|bias)");
    private static final Pattern RPN = Pattern.compile("(.*\\brpn\\.head\\.)conv\\.(weight|bias)");
    private static final Pattern MASK = Pattern.compile("(.*\\bmask_head\\.)mask_fcn(\\d+)\\.(weight|bias)");

    private LegacyKeys() {
    }

    /** The current name of a key of a whole detection model's state_dict; other keys unchanged. */
    public static String upgrade(String key) {
        Matcher m = FPN.matcher(key);
        if (m.matches()) {
            return m.group(1) + m.group(2) + "." + m.group(3) + ".0." + m.group(4);
        }
        m = RPN.matcher(key);
        if (m.matches()) {
            return m.group(1) + "conv.0.0." + m.group(2);
        }
        m = MASK.matcher(key);
        if (m.matches()) {
            int k = Integer.parseInt(m.group(2));
            if (k >= 1) {
                return m.group(1) + (k - 1) + ".0." + m.group(3);
            }
        }
        return key;
    }

    /**
     * A copy of {@code stateDict} with every key upgraded, order kept. Fails when an old and a new key name the
     * same entry (a file mixing both forms is ambiguous).
     */
    public static <T> LinkedHashMap<String, T> upgrade(Map<String, T> stateDict) {
        LinkedHashMap<String, T> out = new LinkedHashMap<>();
        stateDict.forEach((k, v) -> {
            String n = upgrade(k);
            if (out.putIfAbsent(n, v) != null || (!n.equals(k) && stateDict.containsKey(n))) {
                throw new IllegalArgumentException("state dict has both '" + k + "' and its current name '" + n + "'");
            }
        });
        return out;
    }

    // The per-module forms torchvision's _load_from_state_dict applies (old key present: renamed in place).

    public static <T> void upgradeFpn(String prefix, int levels, Map<String, T> sd) {
        for (String block : new String[] {"inner_blocks", "layer_blocks"}) {
            for (int i = 0; i < levels; i++) {
                for (String t : new String[] {"weight", "bias"}) {
                    rename(sd, prefix + block + "." + i + "." + t, prefix + block + "." + i + ".0." + t);
                }
            }
        }
    }

    static <T> void upgradeRpnHead(String prefix, Map<String, T> sd) {
        for (String t : new String[] {"weight", "bias"}) {
            rename(sd, prefix + "conv." + t, prefix + "conv.0.0." + t);
        }
    }

    static <T> void upgradeMaskHead(String prefix, int layers, Map<String, T> sd) {
        for (int i = 0; i < layers; i++) {
            for (String t : new String[] {"weight", "bias"}) {
                rename(sd, prefix + "mask_fcn" + (i + 1) + "." + t, prefix + i + ".0." + t);
            }
        }
    }

    private static <T> void rename(Map<String, T> sd, String from, String to) {
        if (sd.containsKey(from)) {
            sd.put(to, sd.remove(from));
        }
    }
}
