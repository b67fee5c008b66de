-- The recipe field "gpuData" is now "groupAugmentation" (group-wise augmentation runs on the CPU too). Stored
-- canonical recipes are renamed in place (the field keeps its position) and their hashes recomputed, so that
-- queued runs read back and pass the worker's hash check. Submitted specs stay as they were submitted.
update arms set recipe = replace(recipe, '"gpuData":', '"groupAugmentation":') where recipe like '%"gpuData":%';
update runs set recipe = replace(recipe, '"gpuData":', '"groupAugmentation":') where recipe like '%"gpuData":%';
update arms set recipe_hash = encode(sha256(convert_to(recipe, 'UTF8')), 'hex') where recipe like '%"groupAugmentation":%';
update runs set recipe_hash = encode(sha256(convert_to(recipe, 'UTF8')), 'hex') where recipe like '%"groupAugmentation":%';
