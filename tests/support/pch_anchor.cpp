// Anchor translation unit: exists so the shared test precompiled header has a target to live in.
