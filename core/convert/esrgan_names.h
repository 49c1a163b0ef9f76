// ESRGAN-family (RRDBNet) upscaler files name the same weights several ways; our RrdbNet
// (core/models/rrdbnet.h) uses basicsr's names, and this is the one place that maps the others
// onto them, as spandrel (chaiNNer-org/spandrel, architectures/ESRGAN) reads them:
//   basicsr / Real-ESRGAN: conv_first, body.N.rdbK.convJ, conv_body, conv_up1, conv_up2, conv_hr,
//                          conv_last (RealESRGAN_x4plus.pth; also x2plus, whose conv_first takes
//                          the 12 channels of a pixel-unshuffled input);
//   old ESRGAN:            model.0, model.1.sub.N.RDBK.convJ.0, model.1.sub.<NB> (the trunk's
//                          last conv), model.3 / model.6 / ... (one per ×2 upsampling), then
//                          the HR conv and the last conv two and four indices after the last
//                          upsampling conv (4x-UltraSharp, the original ESRGAN files);
//   BSRGAN / RealSR:       RRDB_trunk.N.RDBK.convJ, trunk_conv, upconvK, HRconv, conv_last.
// A .pth often wraps its dict: {"params_ema": {...}} (Real-ESRGAN), {"params": ...},
// {"state_dict": ...}; core/io/pth.h flattens those to "params_ema.conv_first.weight", and the
// wrapper is taken off here in spandrel's order of preference (model_state_dict, state_dict,
// params_ema, params-ema, params, model, net), as are the prefixes "module." and "netG.".
// No torch: names only.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace lightning {

struct EsrganNames {
    std::string layout;   // "basicsr", "old ESRGAN" or "BSRGAN"
    std::string wrapper;  // what was taken off ("params_ema", "module", ...); "" when none
    // basicsr name -> the file's name, for every tensor of the file under the wrapper; names
    // that belong to no known part pass through unchanged (the strict loader reports them).
    std::vector<std::pair<std::string, std::string>> new_to_old;
};

// Throws lightning::Error(where, ...) when `names` are no RRDBNet's in any layout above,
// naming a few of the names found; ESRGAN+ files (RDB conv1x1) are named and refused.
EsrganNames esrgan_basicsr_names(const std::vector<std::string>& names, const std::string& where);

}  // namespace lightning
