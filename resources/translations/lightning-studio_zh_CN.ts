<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>QObject</name>
    <message>
        <source>%1: %2 GB, %3 GB free when the app started</source>
        <translation>%1：%2 GB，应用启动时可用 %3 GB</translation>
    </message>
    <message>
        <source>The devices found on this machine</source>
        <translation>在本机上找到的设备</translation>
    </message>
    <message>
        <source>fp32 on the CPU (bf16 only where the CPU computes it)</source>
        <translation>CPU 上使用 fp32（仅在 CPU 支持 bf16 运算时使用 bf16）</translation>
    </message>
    <message>
        <source>fp16 halves GPU memory and is fastest; fp32 is exact</source>
        <translation>fp16 显存占用减半且速度最快；fp32 精确</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <source>Not readable in the image, kept as they were: %1</source>
        <translation>无法从图像中读取，保持原样：%1</translation>
    </message>
    <message>
        <source>Outside the limits, the form holds the nearest allowed value: %1</source>
        <translation>超出限制，表单使用最接近的允许值：%1</translation>
    </message>
    <message>
        <source>Not used here (Lightning Studio samples with Euler): %1</source>
        <translation>此处未使用（Lightning Studio 使用 Euler 采样）：%1</translation>
    </message>
    <message>
        <source>prompt syntax set to %1, as the image was made</source>
        <translation>提示词语法已设为 %1，与生成该图像时相同</translation>
    </message>
    <message>
        <source>VAE tiling set to %1, as the image was made</source>
        <translation>VAE 分块已设为 %1，与生成该图像时相同</translation>
    </message>
    <message>
        <source>the embedding %1 is not in the embeddings folder</source>
        <translation>嵌入 %1 不在嵌入文件夹中</translation>
    </message>
    <message>
        <source>it was made with the model&apos;s own VAE</source>
        <translation>它是用模型自带的 VAE 生成的</translation>
    </message>
    <message>
        <source>it was made with the VAE %1</source>
        <translation>它是用 VAE %1 生成的</translation>
    </message>
    <message>
        <source>Stretch the input to the size set above</source>
        <translation>将输入拉伸到上面设置的尺寸</translation>
    </message>
    <message>
        <source>Scale the input to cover the size, cutting off what sticks out</source>
        <translation>缩放输入以覆盖该尺寸，裁掉超出的部分</translation>
    </message>
    <message>
        <source>Scale the input to fit inside the size, filling the rest from its edges</source>
        <translation>缩放输入以放入该尺寸，其余部分用其边缘填充</translation>
    </message>
    <message>
        <source>The settings of %1 were not used: its %2</source>
        <translation>未使用 %1 的设置：%2</translation>
    </message>
    <message>
        <source>(not used: %1)</source>
        <translation>（未使用：%1）</translation>
    </message>
    <message>
        <source>(empty prompt)</source>
        <translation>（空提示词）</translation>
    </message>
    <message>
        <source>1 step</source>
        <translation>1 步</translation>
    </message>
    <message>
        <source>%1 steps</source>
        <translation>%1 步</translation>
    </message>
    <message>
        <source>upscale ×%1</source>
        <translation>放大 ×%1</translation>
    </message>
    <message>
        <source>less than a second</source>
        <translation>不到一秒</translation>
    </message>
    <message>
        <source>estimating…</source>
        <translation>正在估算…</translation>
    </message>
    <message>
        <source>%1 h %2 min left</source>
        <translation>剩余 %1 小时 %2 分</translation>
    </message>
    <message>
        <source>%1 min %2 s left</source>
        <translation>剩余 %1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 s left</source>
        <translation>剩余 %1 秒</translation>
    </message>
    <message>
        <source>Recent prompts…</source>
        <translation>最近的提示词…</translation>
    </message>
    <message>
        <source>Reuse a recent prompt from the gallery (Alt+Down in the prompt box)</source>
        <translation>重用图库中最近的提示词（在提示词框中按 Alt+Down）</translation>
    </message>
    <message>
        <source>Needs an upscaler model: put ESRGAN files (.safetensors or .pth, e.g. RealESRGAN_x4plus) in a folder and choose it as Upscaler models in Settings</source>
        <translation>需要放大模型：将 ESRGAN 文件（.safetensors 或 .pth，例如 RealESRGAN_x4plus）放入一个文件夹，并在设置中将其选为“放大模型”</translation>
    </message>
    <message>
        <source>Needs an upscaler model: the Upscaler models folder %1 has no .safetensors or .pth file (ESRGAN models such as RealESRGAN_x4plus)</source>
        <translation>需要放大模型：放大模型文件夹 %1 中没有 .safetensors 或 .pth 文件（ESRGAN 模型，如 RealESRGAN_x4plus）</translation>
    </message>
</context>
<context>
    <name>lightning::ui::GalleryModel</name>
    <message>
        <source>The star could not be saved: %1</source>
        <translation>无法保存星标：%1</translation>
    </message>
    <message>
        <source>The gallery index could not be saved (the images are safe; it is rebuilt from them next time): %1</source>
        <translation>无法保存图库索引（图像是安全的；下次会根据图像重建索引）：%1</translation>
    </message>
    <message>
        <source>%1 (starred)</source>
        <translation>%1（已加星标）</translation>
    </message>
</context>
<context>
    <name>lightning::ui::GalleryWidget</name>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>Bring the deleted images back from the trash (Ctrl+Z)</source>
        <translation>从回收站恢复已删除的图像（Ctrl+Z）</translation>
    </message>
    <message>
        <source>Settings of the current image</source>
        <translation>当前图像的设置</translation>
    </message>
    <message>
        <source>No upscaler model is set up (Settings ▸ Upscaler models)</source>
        <translation>尚未设置放大模型（设置 ▸ 放大模型）</translation>
    </message>
    <message>
        <source>Click or Enter: large view · S: star · Delete: to the trash (Ctrl+Z undoes) · Ctrl+C: copy prompt · Ctrl+wheel: thumbnail size</source>
        <translation>单击或回车：大图查看 · S：星标 · Delete：移到回收站（Ctrl+Z 撤销）· Ctrl+C：复制提示词 · Ctrl+滚轮：缩略图大小</translation>
    </message>
    <message>
        <source>Reading the gallery: %1 of %2 images…</source>
        <translation>正在读取图库：第 %1 张，共 %2 张…</translation>
    </message>
    <message>
        <source>Search prompts…</source>
        <translation>搜索提示词…</translation>
    </message>
    <message>
        <source>Show images whose prompt contains all these words (Ctrl+F)</source>
        <translation>显示提示词包含所有这些词的图像（Ctrl+F）</translation>
    </message>
    <message>
        <source>Show starred images only</source>
        <translation>仅显示已加星标的图像</translation>
    </message>
    <message>
        <source>Show images made with this many steps</source>
        <translation>显示以此步数生成的图像</translation>
    </message>
    <message>
        <source>Any steps</source>
        <translation>任意步数</translation>
    </message>
    <message>
        <source>Show images made with this checkpoint</source>
        <translation>显示用此模型（checkpoint）生成的图像</translation>
    </message>
    <message>
        <source>Any model</source>
        <translation>任意模型</translation>
    </message>
    <message>
        <source>Show images made in this period</source>
        <translation>显示在此期间生成的图像</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>任意时间</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>今年</translation>
    </message>
    <message>
        <source>Thumbnail size (Ctrl+wheel over the grid, Ctrl++ / Ctrl+-)</source>
        <translation>缩略图大小（在网格上 Ctrl+滚轮，Ctrl++ / Ctrl+-）</translation>
    </message>
    <message>
        <source>Save gallery…</source>
        <translation>保存图库…</translation>
    </message>
    <message>
        <source>Export the selected images (or all) with their parameters, a JSON list and an HTML contact sheet</source>
        <translation>导出所选图像（或全部）及其参数、一个 JSON 列表和一个 HTML 缩略图总览页</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Show the gallery folder in the file manager</source>
        <translation>在文件管理器中显示图库文件夹</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Star / unstar</source>
        <translation>加星标 / 取消星标</translation>
    </message>
    <message>
        <source>Copy prompt</source>
        <translation>复制提示词</translation>
    </message>
    <message>
        <source>prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Copy seed</source>
        <translation>复制种子</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Copy parameters</source>
        <translation>复制参数</translation>
    </message>
    <message>
        <source>parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Reuse parameters</source>
        <translation>重用参数</translation>
    </message>
    <message>
        <source>Regenerate with this seed</source>
        <translation>用此种子重新生成</translation>
    </message>
    <message>
        <source>Use as input</source>
        <translation>用作输入</translation>
    </message>
    <message>
        <source>Upscale ×2</source>
        <translation>放大 ×2</translation>
    </message>
    <message>
        <source>Upscale ×4</source>
        <translation>放大 ×4</translation>
    </message>
    <message>
        <source>Move to trash</source>
        <translation>移到回收站</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>撤销删除</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Larger thumbnails</source>
        <translation>放大缩略图</translation>
    </message>
    <message>
        <source>Smaller thumbnails</source>
        <translation>缩小缩略图</translation>
    </message>
    <message>
        <source>1 step</source>
        <translation>1 步</translation>
    </message>
    <message>
        <source>%1 steps</source>
        <translation>%1 步</translation>
    </message>
    <message>
        <source>1 image</source>
        <translation>1 张图像</translation>
    </message>
    <message>
        <source>%1 images</source>
        <translation>%1 张图像</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>第 %1 张，共 %2 张</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>This image was upscaled from one without generation settings: there are none to reuse or regenerate</source>
        <translation>此图像是从没有生成设置的图像放大而来的：没有可重用或重新生成的设置</translation>
    </message>
    <message>
        <source>%1 was upscaled from an image without generation settings: there are none to reuse or regenerate</source>
        <translation>%1 是从没有生成设置的图像放大而来的：没有可重用或重新生成的设置</translation>
    </message>
    <message>
        <source>Copied the %1</source>
        <translation>已复制%1</translation>
    </message>
    <message>
        <source>Saved %1 images with gallery.json and index.html to %2</source>
        <translation>已将 %1 张图像连同 gallery.json 和 index.html 保存到 %2</translation>
    </message>
    <message>
        <source>Saving the gallery failed: %1</source>
        <translation>保存图库失败：%1</translation>
    </message>
    <message>
        <source>Save selected images to</source>
        <translation>将所选图像保存到</translation>
    </message>
    <message>
        <source>Save the whole gallery to</source>
        <translation>将整个图库保存到</translation>
    </message>
    <message>
        <source>Saving the gallery failed</source>
        <translation>保存图库失败</translation>
    </message>
    <message>
        <source>Nothing was deleted: %1</source>
        <translation>未删除任何内容：%1</translation>
    </message>
    <message>
        <source>Moved 1 image to the trash.</source>
        <translation>已将 1 张图像移到回收站。</translation>
    </message>
    <message>
        <source>Moved %1 images to the trash.</source>
        <translation>已将 %1 张图像移到回收站。</translation>
    </message>
    <message>
        <source>Restored %1 image(s). Undo again for the deletion before.</source>
        <translation>已恢复 %1 张图像。再次撤销可恢复之前的删除。</translation>
    </message>
    <message>
        <source>Restored 1 image.</source>
        <translation>已恢复 1 张图像。</translation>
    </message>
    <message>
        <source>Restored %1 images.</source>
        <translation>已恢复 %1 张图像。</translation>
    </message>
    <message>
        <source>
Time: %1 s</source>
        <translation>
用时：%1 秒</translation>
    </message>
    <message>
        <source>Save image as</source>
        <translation>图像另存为</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>Could not save %1</source>
        <translation>无法保存 %1</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Copy image</source>
        <translation>复制图像</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>With %1 (the context menu offers each upscaler model)</source>
        <translation>使用 %1（右键菜单提供每个放大模型）</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>图库</translation>
    </message>
    <message>
        <source>Generated images, newest first. Enter opens one, S stars it, Delete trashes it</source>
        <translation>生成的图像，最新的在前。回车打开，S 加星标，Delete 移到回收站</translation>
    </message>
    <message>
        <source>Search prompts</source>
        <translation>搜索提示词</translation>
    </message>
    <message>
        <source>Thumbnail size</source>
        <translation>缩略图大小</translation>
    </message>
    <message>
        <source>More like this</source>
        <translation>更多类似</translation>
    </message>
    <message>
        <source>This image was upscaled from one without generation settings: there are none to render more of</source>
        <translation>此图像由一张没有生成设置的图像放大而来：没有可用于生成更多类似图像的设置</translation>
    </message>
    <message>
        <source>Render the next seeds of this image, everything else the same (%1)</source>
        <translation>渲染此图像的后续种子，其他设置保持不变（%1）</translation>
    </message>
</context>
<context>
    <name>lightning::ui::GenerationController</name>
    <message>
        <source>Loading the model on %1 (%2)…</source>
        <translation>正在 %1 上加载模型（%2）…</translation>
    </message>
    <message>
        <source>Ready: %1, loaded in %2 s</source>
        <translation>就绪：%1，加载用时 %2 秒</translation>
    </message>
    <message>
        <source>Ready: %1</source>
        <translation>就绪：%1</translation>
    </message>
</context>
<context>
    <name>lightning::ui::GenerationForm</name>
    <message>
        <source>&amp;Steps</source>
        <translation>步数(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Guidance</source>
        <translation>引导系数(&amp;G)</translation>
    </message>
    <message>
        <source>Si&amp;ze</source>
        <translation>尺寸(&amp;Z)</translation>
    </message>
    <message>
        <source>S&amp;eed</source>
        <translation>种子(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Batch</source>
        <translation>批次(&amp;B)</translation>
    </message>
    <message>
        <source>Describe the image…</source>
        <translation>描述图像…</translation>
    </message>
    <message>
        <source>&amp;Prompt</source>
        <translation>提示词(&amp;P)</translation>
    </message>
    <message>
        <source>Resolved prompt</source>
        <translation>解析后的提示词</translation>
    </message>
    <message>
        <source>What to avoid…</source>
        <translation>要避免的内容…</translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation>反向提示词</translation>
    </message>
    <message>
        <source>0 (off)</source>
        <translation>0（关）</translation>
    </message>
    <message>
        <source>Classifier-free guidance. SDXL-Lightning is distilled for 0 (off); above 1 every step runs the UNet twice and the negative prompt takes effect.</source>
        <translation>无分类器引导（CFG）。SDXL-Lightning 针对 0（关）蒸馏；高于 1 时每一步运行两次 UNet，反向提示词才会生效。</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>Multiples of %1; SDXL works best near 1024×1024 pixels in total</source>
        <translation>%1 的倍数；SDXL 在总像素约 1024×1024 时效果最好</translation>
    </message>
    <message>
        <source>Image i of a batch uses seed + i</source>
        <translation>批次中的第 i 张图像使用种子 + i</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>Pick a new random seed</source>
        <translation>选择一个新的随机种子</translation>
    </message>
    <message>
        <source>then random</source>
        <translation>然后随机</translation>
    </message>
    <message>
        <source>After each run, show a new random seed</source>
        <translation>每次运行后显示一个新的随机种子</translation>
    </message>
    <message>
        <source>then same</source>
        <translation>然后不变</translation>
    </message>
    <message>
        <source>Keep this seed for the next runs</source>
        <translation>在之后的运行中保持此种子</translation>
    </message>
    <message>
        <source>then +1</source>
        <translation>然后 +1</translation>
    </message>
    <message>
        <source>Step on to the next seed after each run (+1 per image, so batches never repeat one)</source>
        <translation>每次运行后前进到下一个种子（每张图像 +1，因此批次不会重复）</translation>
    </message>
    <message>
        <source>The seed shown always runs next; this chooses the seed shown after a run: a random one, the same one, or the next one</source>
        <translation>显示的种子总是下一次运行所用的种子；此项选择运行后显示的种子：随机、相同或下一个</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Render the seed&apos;s own image again, without the variation seed</source>
        <translation>不使用变异种子，再次渲染该种子本身的图像</translation>
    </message>
    <message>
        <source>Variation seed %1 at strength %2</source>
        <translation>变异种子 %1，强度 %2</translation>
    </message>
    <message>
        <source>seed resized from %1×%2</source>
        <translation>种子尺寸调整自 %1×%2</translation>
    </message>
    <message>
        <source>Images per job, with seeds seed, seed+1, …</source>
        <translation>每个任务的图像数，种子依次为 种子、种子+1、…</translation>
    </message>
    <message>
        <source>Seed %1: %2</source>
        <translation>种子 %1：%2</translation>
    </message>
    <message>
        <source>Negative: %1</source>
        <translation>反向：%1</translation>
    </message>
    <message>
        <source>Guidance %1: each step runs the UNet twice (slower); the negative prompt steers away.</source>
        <translation>引导系数 %1：每一步运行两次 UNet（较慢）；反向提示词会引导生成远离其内容。</translation>
    </message>
    <message>
        <source>The negative prompt takes effect only with guidance above 1 (Lightning is distilled for guidance 0).</source>
        <translation>仅当引导系数高于 1 时反向提示词才生效（Lightning 针对引导系数 0 蒸馏）。</translation>
    </message>
    <message>
        <source>(not set)</source>
        <translation>（未设置）</translation>
    </message>
    <message>
        <source>%1 (file missing)</source>
        <translation>%1（文件缺失）</translation>
    </message>
    <message>
        <source>No %1 in the SDXL-Lightning folder %2. Download it from %3 (Settings).</source>
        <translation>SDXL-Lightning 文件夹 %2 中没有 %1。请从 %3 下载（设置）。</translation>
    </message>
    <message>
        <source>Uses %1 in %2</source>
        <translation>使用 %2 中的 %1</translation>
    </message>
    <message>
        <source>What the image shows; (words:1.2) weights words, &lt;lora:name:weight&gt; adds a LoRA. Ctrl+Return generates</source>
        <translation>图像的内容；(词:1.2) 为词加权，&lt;lora:名称:权重&gt; 添加 LoRA。Ctrl+Return 生成</translation>
    </message>
    <message>
        <source>What the image should not show</source>
        <translation>图像中不应出现的内容</translation>
    </message>
    <message>
        <source>Image size in pixels: a preset, or Custom for the width and height</source>
        <translation>图像尺寸（像素）：预设，或选“自定义”设置宽度和高度</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>宽度</translation>
    </message>
    <message>
        <source>Height</source>
        <translation>高度</translation>
    </message>
</context>
<context>
    <name>lightning::ui::ImageViewer</name>
    <message>
        <source>Image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一张</translation>
    </message>
    <message>
        <source>Previous image (Left, Page Up)</source>
        <translation>上一张图像（Left，Page Up）</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一张 ▶</translation>
    </message>
    <message>
        <source>Next image (Right, Page Down)</source>
        <translation>下一张图像（Right，Page Down）</translation>
    </message>
    <message>
        <source>100 %</source>
        <translation>100%</translation>
    </message>
    <message>
        <source>Toggle between zoom to fit and 100 % (Z; F fits, 1 is 100 %)</source>
        <translation>在适应窗口和 100% 之间切换（Z；F 适应窗口，1 为 100%）</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom in (Ctrl++ or the wheel)</source>
        <translation>放大（Ctrl++ 或滚轮）</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Zoom out (Ctrl+- or the wheel)</source>
        <translation>缩小（Ctrl+- 或滚轮）</translation>
    </message>
    <message>
        <source>★ Star</source>
        <translation>★ 星标</translation>
    </message>
    <message>
        <source>Star or unstar this image (S)</source>
        <translation>为此图像加星标或取消星标（S）</translation>
    </message>
    <message>
        <source>Use as input</source>
        <translation>用作输入</translation>
    </message>
    <message>
        <source>Refine this image: it becomes the input image of the form</source>
        <translation>精修此图像：它将成为表单的输入图像</translation>
    </message>
    <message>
        <source>Upscale ×%1</source>
        <translation>放大 ×%1</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>The image. Z toggles fit and 100 %, arrows show the previous or next, S stars it</source>
        <translation>图像。Z 在适应窗口和 100% 之间切换，方向键显示上一张或下一张，S 加星标</translation>
    </message>
    <message>
        <source>Upscale this image %1 times with the upscaler model</source>
        <translation>用放大模型将此图像放大 %1 倍</translation>
    </message>
</context>
<context>
    <name>lightning::ui::LoraPanel</name>
    <message>
        <source>LoRAs</source>
        <translation>LoRA</translation>
    </message>
    <message>
        <source>The LoRA files of the LoRA folder (Settings) and the Hugging Face cache; in the prompt, &lt;lora:name:weight&gt; adds one too</source>
        <translation>LoRA 文件夹（设置）和 Hugging Face 缓存中的 LoRA 文件；在提示词中，&lt;lora:名称:权重&gt; 也会添加一个</translation>
    </message>
    <message>
        <source>&amp;Add LoRA</source>
        <translation>添加 LoRA(&amp;A)</translation>
    </message>
    <message>
        <source>List the LoRA files again</source>
        <translation>重新列出 LoRA 文件</translation>
    </message>
    <message>
        <source>No LoRA named &apos;%1&apos; in %2</source>
        <translation>%2 中没有名为“%1”的 LoRA</translation>
    </message>
    <message>
        <source>At most %1 LoRAs at once</source>
        <translation>最多同时使用 %1 个 LoRA</translation>
    </message>
    <message>
        <source>Weight of %1</source>
        <translation>%1 的权重</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>移除 %1</translation>
    </message>
    <message>
        <source>%1 (not found)</source>
        <translation>%1（未找到）</translation>
    </message>
    <message>
        <source>Add the LoRA chosen on the left to the image&apos;s LoRAs</source>
        <translation>将左侧选择的 LoRA 添加到图像的 LoRA 中</translation>
    </message>
</context>
<context>
    <name>lightning::ui::MainWindow</name>
    <message>
        <source>Lightning Studio</source>
        <translation>Lightning Studio</translation>
    </message>
    <message>
        <source>&amp;Device</source>
        <translation>设备(&amp;D)</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Add to queue</source>
        <translation>加入队列</translation>
    </message>
    <message>
        <source>Queue another job with the current settings (Ctrl+Enter)</source>
        <translation>用当前设置再排入一个任务（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>&amp;Live</source>
        <translation>实时(&amp;L)</translation>
    </message>
    <message>
        <source>Live mode (Ctrl+L): every change to the prompt, size, steps or seed renders again with the seed shown; the newest change wins. Live images are not saved unless you keep them (Ctrl+S).</source>
        <translation>实时模式（Ctrl+L）：对提示词、尺寸、步数或种子的每次更改都会用显示的种子重新渲染；以最新的更改为准。实时图像不会保存，除非你保留它们（Ctrl+S）。</translation>
    </message>
    <message>
        <source>Generation runs on the CPU. A CUDA GPU makes an image in about a second; see the README&apos;s &quot;NVIDIA GPU&quot; section.</source>
        <translation>正在 CPU 上生成。CUDA GPU 生成一张图像约需一秒；请参阅 README 的“NVIDIA GPU”一节。</translation>
    </message>
    <message>
        <source>Type a prompt and press Generate (Ctrl+Enter).
Drop a PNG here to reuse its settings, or any other image to refine it
(on the form&apos;s Input image section, a generated PNG is refined too).</source>
        <translation>输入提示词并点击“生成”（Ctrl+Enter）。
将 PNG 拖放到此处以重用其设置，或拖放其他图像以精修它
（在表单的“输入图像”部分，生成的 PNG 也会被精修）。</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>Save the live image shown to the gallery (Ctrl+S)</source>
        <translation>将显示的实时图像保存到图库（Ctrl+S）</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>图库</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Models…</source>
        <translation>模型(&amp;M)…</translation>
    </message>
    <message>
        <source>Ctrl+,</source>
        <translation>Ctrl+,</translation>
    </message>
    <message>
        <source>Save &amp;gallery…</source>
        <translation>保存图库(&amp;G)…</translation>
    </message>
    <message>
        <source>&amp;Open gallery folder</source>
        <translation>打开图库文件夹(&amp;O)</translation>
    </message>
    <message>
        <source>Open &amp;folder as gallery…</source>
        <translation>将文件夹作为图库打开(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Open folder as gallery</source>
        <translation>将文件夹作为图库打开</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Generate / add to queue</source>
        <translation>生成 / 加入队列(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Cancel current image</source>
        <translation>取消当前图像(&amp;C)</translation>
    </message>
    <message>
        <source>Cancel &amp;all</source>
        <translation>全部取消(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Random seed</source>
        <translation>随机种子(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Getting the &amp;models</source>
        <translation>获取模型(&amp;M)</translation>
    </message>
    <message>
        <source>Getting the models</source>
        <translation>获取模型</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <source>About Lightning Studio</source>
        <translation>关于 Lightning Studio</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;SDXL-Lightning text-to-image in 1, 2, 4 or 8 steps, native C++ (Qt + libtorch).</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;SDXL-Lightning 文生图，1、2、4 或 8 步，原生 C++（Qt + libtorch）。</translation>
    </message>
    <message>
        <source>Live: %1</source>
        <translation>实时：%1</translation>
    </message>
    <message>
        <source>Switched to %1 in %2 s (from %3)</source>
        <translation>已在 %2 秒内切换到 %1（之前为 %3）</translation>
    </message>
    <message>
        <source>%1 step checkpoints ready for instant switching</source>
        <translation>%1 个步数模型已就绪，可即时切换</translation>
    </message>
    <message>
        <source>Could not switch to %1: %2</source>
        <translation>无法切换到 %1：%2</translation>
    </message>
    <message>
        <source>Queue (%1)</source>
        <translation>队列（%1）</translation>
    </message>
    <message>
        <source>No SDXL models in the Hugging Face cache %1</source>
        <translation>Hugging Face 缓存 %1 中没有 SDXL 模型</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>注意：%1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Compare steps</source>
        <translation>比较步数</translation>
    </message>
    <message>
        <source>Render this prompt and seed with every step checkpoint (1, 2, 4, 8) side by side (Ctrl+Shift+C)</source>
        <translation>用每个步数模型（1、2、4、8）并排渲染此提示词和种子（Ctrl+Shift+C）</translation>
    </message>
    <message>
        <source>More like this</source>
        <translation>更多类似</translation>
    </message>
    <message>
        <source>Render the next seeds of the image in view, everything else the same: the grid&apos;s selected image, the live image, or else the gallery&apos;s selected image (Ctrl+Shift+M)</source>
        <translation>渲染当前图像的后续种子，其余一切不变：网格中所选的图像、实时图像，否则为图库中所选的图像（Ctrl+Shift+M）</translation>
    </message>
    <message>
        <source>Variations</source>
        <translation>变体</translation>
    </message>
    <message>
        <source>Render the image in view with the next variation seeds, blended into its own seed&apos;s noise at the strength on the right (A1111&apos;s variation seed; Ctrl+Shift+V)</source>
        <translation>用后续的变异种子渲染当前图像，按右侧的强度混入其自身种子的噪声（A1111 的变异种子；Ctrl+Shift+V）</translation>
    </message>
    <message>
        <source>Variation strength: how much of the variation seed&apos;s noise (0.01: nearly the image itself, 1: the variation seed&apos;s own image)</source>
        <translation>变异强度：变异种子噪声所占的比例（0.01：几乎是图像本身，1：变异种子自己的图像）</translation>
    </message>
    <message>
        <source>E&amp;xplore</source>
        <translation>探索(&amp;X)</translation>
    </message>
    <message>
        <source>&amp;Live mode</source>
        <translation>实时模式(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Keep</source>
        <translation>保留(&amp;K)</translation>
    </message>
    <message>
        <source>Save the live image, or the grid&apos;s selected images, to the gallery</source>
        <translation>将实时图像或网格中所选的图像保存到图库</translation>
    </message>
    <message>
        <source>&amp;Compare steps</source>
        <translation>比较步数(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;More like this</source>
        <translation>更多类似(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Variations</source>
        <translation>变体(&amp;V)</translation>
    </message>
    <message>
        <source>Show the last &amp;grid</source>
        <translation>显示上一个网格(&amp;G)</translation>
    </message>
    <message>
        <source>Live mode: changes render as you type</source>
        <translation>实时模式：输入时即渲染更改</translation>
    </message>
    <message>
        <source>Live: type a seed (or press Random)</source>
        <translation>实时：请输入种子（或点击“随机”）</translation>
    </message>
    <message>
        <source>Live · %1 s · seed %2 · %3</source>
        <translation>实时 · %1 秒 · 种子 %2 · %3</translation>
    </message>
    <message>
        <source>Could not keep the image: %1</source>
        <translation>无法保留图像：%1</translation>
    </message>
    <message>
        <source>Kept %1</source>
        <translation>已保留 %1</translation>
    </message>
    <message>
        <source>Cannot compare: %1</source>
        <translation>无法比较：%1</translation>
    </message>
    <message>
        <source>Cannot compare: no step checkpoint is available</source>
        <translation>无法比较：没有可用的步数模型</translation>
    </message>
    <message>
        <source>Compare steps · seed %1 · %2×%3 — %4</source>
        <translation>比较步数 · 种子 %1 · %2×%3 — %4</translation>
    </message>
    <message>
        <source>the embeddings folder has no %1</source>
        <translation>嵌入文件夹中没有 %1</translation>
    </message>
    <message>
        <source>Cannot make more like this: %1</source>
        <translation>无法生成更多类似：%1</translation>
    </message>
    <message>
        <source>More like seed %1 · %2 · %3×%4 — %5</source>
        <translation>类似种子 %1 · %2 · %3×%4 — %5</translation>
    </message>
    <message>
        <source>seed %1</source>
        <translation>种子 %1</translation>
    </message>
    <message>
        <source>Cannot make variations: %1</source>
        <translation>无法生成变体：%1</translation>
    </message>
    <message>
        <source>Variations of seed %1 at strength %2 · %3 · %4×%5 — %6</source>
        <translation>种子 %1 的变体，强度 %2 · %3 · %4×%5 — %6</translation>
    </message>
    <message>
        <source>variation seed %1</source>
        <translation>变异种子 %1</translation>
    </message>
    <message>
        <source>Select an image in the gallery first</source>
        <translation>请先在图库中选择一张图像</translation>
    </message>
    <message>
        <source>%1 was upscaled from an image without generation settings: there is nothing to vary</source>
        <translation>%1 是从没有生成设置的图像放大而来的：没有可变化的内容</translation>
    </message>
    <message>
        <source>Settings restored</source>
        <translation>设置已恢复</translation>
    </message>
    <message>
        <source>%1 has no generation parameters</source>
        <translation>%1 没有生成参数</translation>
    </message>
    <message>
        <source>%1 has no generation parameters this app can read: %2</source>
        <translation>%1 没有本应用能读取的生成参数：%2</translation>
    </message>
    <message>
        <source>Settings restored from %1</source>
        <translation>已从 %1 恢复设置</translation>
    </message>
    <message>
        <source>Restored; %1.</source>
        <translation>已恢复；%1。</translation>
    </message>
    <message>
        <source>Set up the model first (File ▸ Settings)</source>
        <translation>请先设置模型（文件 ▸ 设置）</translation>
    </message>
    <message>
        <source>The %1 file is missing</source>
        <translation>缺少 %1 文件</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the running image before its next step (Esc)</source>
        <translation>在下一步之前停止正在生成的图像（Esc）</translation>
    </message>
    <message>
        <source>Generate (Ctrl+Enter)</source>
        <translation>生成（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Queue another job (Ctrl+Enter)</source>
        <translation>再排入一个任务（Ctrl+Enter）</translation>
    </message>
    <message>
        <source>Model not set up</source>
        <translation>模型未设置</translation>
    </message>
    <message>
        <source>Model failed to load</source>
        <translation>模型加载失败</translation>
    </message>
    <message>
        <source>Live mode: rendering the newest change</source>
        <translation>实时模式：正在渲染最新的更改</translation>
    </message>
    <message>
        <source>Upscaling (job #%1)</source>
        <translation>正在放大（任务 #%1）</translation>
    </message>
    <message>
        <source>Generating job #%1 (%2 more queued)</source>
        <translation>正在生成任务 #%1（还有 %2 个在排队）</translation>
    </message>
    <message>
        <source>Generating job #%1</source>
        <translation>正在生成任务 #%1</translation>
    </message>
    <message>
        <source>Running on the CPU: about %1 per %2×%3 image</source>
        <translation>在 CPU 上运行：每张 %2×%3 图像约需 %1</translation>
    </message>
    <message>
        <source>Set up the model first: %1</source>
        <translation>请先设置模型：%1</translation>
    </message>
    <message>
        <source>Cannot generate: %1</source>
        <translation>无法生成：%1</translation>
    </message>
    <message>
        <source>the input image</source>
        <translation>输入图像</translation>
    </message>
    <message>
        <source>the mask</source>
        <translation>蒙版</translation>
    </message>
    <message>
        <source>the hires upscaler model</source>
        <translation>高清修复放大模型</translation>
    </message>
    <message>
        <source>the upscaler model</source>
        <translation>放大模型</translation>
    </message>
    <message>
        <source>%1 %2 is not there</source>
        <translation>%1 %2 不存在</translation>
    </message>
    <message>
        <source>Could not load the model</source>
        <translation>无法加载模型</translation>
    </message>
    <message>
        <source>Starting %1…</source>
        <translation>正在启动%1…</translation>
    </message>
    <message>
        <source>step %1/%2 · %3 s</source>
        <translation>第 %1/%2 步 · %3 秒</translation>
    </message>
    <message>
        <source>image %1/%2 · </source>
        <translation>第 %1/%2 张 · </translation>
    </message>
    <message>
        <source>Live · </source>
        <translation>实时 · </translation>
    </message>
    <message>
        <source>Upscaling · tile %1/%2 · %3 s</source>
        <translation>正在放大 · 分块 %1/%2 · %3 秒</translation>
    </message>
    <message>
        <source>Upscaled ×%1 in %2 s · %3×%4</source>
        <translation>已在 %2 秒内放大 ×%1 · %3×%4</translation>
    </message>
    <message>
        <source>Done in %1 s · seed %2 · %3</source>
        <translation>完成，用时 %1 秒 · 种子 %2 · %3</translation>
    </message>
    <message>
        <source>Job #%1 failed</source>
        <translation>任务 #%1 失败</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Job #%1 cancelled</source>
        <translation>任务 #%1 已取消</translation>
    </message>
    <message>
        <source>1 job from the last session queued again</source>
        <translation>上次会话的 1 个任务已重新排队</translation>
    </message>
    <message>
        <source>%1 jobs from the last session queued again</source>
        <translation>上次会话的 %1 个任务已重新排队</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>剩余约 %1</translation>
    </message>
    <message>
        <source>Cannot use %1 as the input image: %2</source>
        <translation>无法将 %1 用作输入图像：%2</translation>
    </message>
    <message>
        <source>Input image: %1</source>
        <translation>输入图像：%1</translation>
    </message>
    <message>
        <source>Input image</source>
        <translation>输入图像</translation>
    </message>
    <message>
        <source>Images (%1);;All files (*)</source>
        <translation>图像 (%1);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Set an input image first</source>
        <translation>请先设置输入图像</translation>
    </message>
    <message>
        <source>Could not save the mask: %1</source>
        <translation>无法保存蒙版：%1</translation>
    </message>
    <message>
        <source>Not found beside the gallery (%1): %2. Set the input image again.</source>
        <translation>在图库旁未找到（%1）：%2。请重新设置输入图像。</translation>
    </message>
    <message>
        <source>No upscaler model %1 in the Upscaler models folder (%2); put it there (Settings).</source>
        <translation>放大模型文件夹（%2）中没有放大模型 %1；请将其放在那里（设置）。</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <source>the image cannot be read (%1)</source>
        <translation>无法读取图像（%1）</translation>
    </message>
    <message>
        <source>set up the model first (%1)</source>
        <translation>请先设置模型（%1）</translation>
    </message>
    <message>
        <source>Cannot upscale %1: %2</source>
        <translation>无法放大 %1：%2</translation>
    </message>
    <message>
        <source>What the app and the engine reported, newest last</source>
        <translation>应用和引擎报告的信息，最新的在最后</translation>
    </message>
    <message>
        <source>Variation strength</source>
        <translation>变异强度</translation>
    </message>
</context>
<context>
    <name>lightning::ui::MaskPainter</name>
    <message>
        <source>Paint mask</source>
        <translation>绘制蒙版</translation>
    </message>
    <message>
        <source>Paint what to repaint (shown red); the rest of the image is kept. Right button: erase. [ and ]: brush size. Drag an edge or corner of the canvas outward to outpaint there.</source>
        <translation>绘制要重绘的部分（显示为红色）；图像的其余部分保持不变。右键：擦除。[ 和 ]：画笔大小。将画布的边或角向外拖动可在该处扩图。</translation>
    </message>
    <message>
        <source>Use mask</source>
        <translation>使用蒙版</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>画笔</translation>
    </message>
    <message>
        <source>Paint the parts to repaint (B)</source>
        <translation>绘制要重绘的部分（B）</translation>
    </message>
    <message>
        <source>Eraser</source>
        <translation>橡皮擦</translation>
    </message>
    <message>
        <source>Erase: keep these parts (E)</source>
        <translation>擦除：保留这些部分（E）</translation>
    </message>
    <message>
        <source>Brush size in pixels of the image ([ smaller, ] larger)</source>
        <translation>画笔大小，以图像像素计（[ 缩小，] 放大）</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Invert</source>
        <translation>反转</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <source>Canvas %1 × %2 px</source>
        <translation>画布 %1 × %2 像素</translation>
    </message>
    <message>
        <source>%1; outpainting left %2, top %3, right %4, bottom %5 px</source>
        <translation>%1；扩图 左 %2、上 %3、右 %4、下 %5 像素</translation>
    </message>
    <message>
        <source>Repaint the painted parts</source>
        <translation>重绘已绘制的部分</translation>
    </message>
    <message>
        <source>Close without changing the mask</source>
        <translation>关闭且不更改蒙版</translation>
    </message>
    <message>
        <source>Brush size</source>
        <translation>画笔大小</translation>
    </message>
</context>
<context>
    <name>lightning::ui::MessageBanner</name>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Show details</source>
        <translation>显示详情</translation>
    </message>
    <message>
        <source>The engine&apos;s full message, to copy into a bug report</source>
        <translation>引擎的完整消息，可复制到错误报告中</translation>
    </message>
    <message>
        <source>Hide details</source>
        <translation>隐藏详情</translation>
    </message>
</context>
<context>
    <name>lightning::ui::ModelsDialog</name>
    <message>
        <source>Asking the hub for %1…</source>
        <translation>正在向模型仓库查询 %1…</translation>
    </message>
    <message>
        <source>File %1 of %2: %3 — %4 of %5</source>
        <translation>文件 %1/%2：%3 — %4 / %5</translation>
    </message>
    <message>
        <source> (verifying)</source>
        <translation>（正在校验）</translation>
    </message>
    <message>
        <source>
All: %1 of %2 at %3/s, %4</source>
        <translation>
总计：%1 / %2，速度 %3/s，%4</translation>
    </message>
    <message>
        <source>Done: %1 files downloaded, %2 were already in the cache.</source>
        <translation>完成：已下载 %1 个文件，%2 个已在缓存中。</translation>
    </message>
    <message>
        <source>Cancelled. What arrived is kept; the next download resumes it.</source>
        <translation>已取消。已下载的部分会保留；下次下载会继续。</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>SDXL base: text encoders, tokenizers, VAE, configs (%1)</source>
        <translation>SDXL 基础模型：文本编码器、分词器、VAE、配置（%1）</translation>
    </message>
    <message>
        <source>SDXL-Lightning UNets:</source>
        <translation>SDXL-Lightning UNet：</translation>
    </message>
    <message>
        <source>1 step</source>
        <translation>1 步</translation>
    </message>
    <message>
        <source>%1 steps</source>
        <translation>%1 步</translation>
    </message>
    <message>
        <source>fp16 variants where the repository has them (half the download)</source>
        <translation>仓库提供时使用 fp16 版本（下载量减半）</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Files go to the Hugging Face cache &lt;b&gt;%1&lt;/b&gt; (shared with other tools; set HF_HOME or HF_HUB_CACHE to change it), from %2.</source>
        <translation>文件保存到 Hugging Face 缓存 &lt;b&gt;%1&lt;/b&gt;（与其他工具共享；设置 HF_HOME 或 HF_HUB_CACHE 可更改），来源 %2。</translation>
    </message>
    <message>
        <source>This build has no downloader (libcurl was missing when it was built). Fetch the files with huggingface-cli instead.</source>
        <translation>此版本没有下载器（构建时缺少 libcurl）。请改用 huggingface-cli 获取文件。</translation>
    </message>
    <message>
        <source>%1: not in the cache</source>
        <translation>%1：不在缓存中</translation>
    </message>
    <message>
        <source>%1: %2 of %3 files in the cache (%4)</source>
        <translation>%1：缓存中有 %2/%3 个文件（%4）</translation>
    </message>
    <message>
        <source>; UNets for %1 steps</source>
        <translation>；UNet 步数：%1</translation>
    </message>
    <message>
        <source>no</source>
        <translation>无</translation>
    </message>
    <message numerus="yes">
        <source>; %n unfinished download(s) will resume</source>
        <translation>
            <numerusform>；%n 个未完成的下载将继续</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing selected.</source>
        <translation>未选择任何内容。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Download failed; the reason is in the notes below.</source>
        <translation>下载失败；原因见下方说明。</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <source>Download running</source>
        <translation>正在下载</translation>
    </message>
    <message>
        <source>Stop the download? What arrived so far is kept and resumes next time.</source>
        <translation>停止下载？已下载的部分会保留，下次继续。</translation>
    </message>
    <message>
        <source>Download the parts of SDXL that every image needs</source>
        <translation>下载每张图像都需要的 SDXL 部分</translation>
    </message>
    <message>
        <source>Download the SDXL-Lightning UNet for this step count</source>
        <translation>下载此步数的 SDXL-Lightning UNet</translation>
    </message>
    <message>
        <source>Download half-precision files where there are some: smaller, for GPUs</source>
        <translation>在有半精度文件时下载半精度文件：更小，适用于 GPU</translation>
    </message>
    <message>
        <source>Download the files ticked above from Hugging Face</source>
        <translation>从 Hugging Face 下载上面勾选的文件</translation>
    </message>
    <message>
        <source>Stop the download; what is complete stays</source>
        <translation>停止下载；已完成的部分会保留</translation>
    </message>
    <message>
        <source>Close this dialog</source>
        <translation>关闭此对话框</translation>
    </message>
    <message>
        <source>Download notes</source>
        <translation>下载说明</translation>
    </message>
    <message>
        <source>What the download did, one line per file</source>
        <translation>下载的执行情况，每个文件一行</translation>
    </message>
</context>
<context>
    <name>lightning::ui::PromptBox</name>
    <message>
        <source>tokens: %1</source>
        <translation>词元：%1</translation>
    </message>
    <message>
        <source>cannot read the prompt</source>
        <translation>无法读取提示词</translation>
    </message>
    <message>
        <source>%1 / %2 tokens</source>
        <translation>%1 / %2 个词元</translation>
    </message>
    <message>
        <source>1 chunk of %1 tokens</source>
        <translation>1 个分块，%1 个词元</translation>
    </message>
    <message>
        <source>%1 chunks of %2 tokens</source>
        <translation>%1 个分块，每块 %2 个词元</translation>
    </message>
    <message>
        <source>; a longer prompt takes another chunk (prompt syntax %1)</source>
        <translation>；更长的提示词会占用另一个分块（提示词语法 %1）</translation>
    </message>
    <message>
        <source> (OpenCLIP: %1)</source>
        <translation>（OpenCLIP：%1）</translation>
    </message>
    <message>
        <source>SDXL&apos;s text encoders read at most %1 tokens; the rest of the prompt is ignored.</source>
        <translation>SDXL 的文本编码器最多读取 %1 个词元；提示词的其余部分会被忽略。</translation>
    </message>
    <message>
        <source>Tokens used of the %1 the text encoders read</source>
        <translation>已使用的词元数（文本编码器最多读取 %1 个）</translation>
    </message>
    <message>
        <source>the resolved prompt&apos;s end is cut</source>
        <translation>解析后提示词的末尾将被截断</translation>
    </message>
    <message>
        <source>the struck-out end is cut</source>
        <translation>划掉的末尾部分将被截断</translation>
    </message>
</context>
<context>
    <name>lightning::ui::PromptHistoryPopup</name>
    <message>
        <source>Filter recent prompts…</source>
        <translation>筛选最近的提示词…</translation>
    </message>
    <message>
        <source>Type to narrow the list; Up/Down to pick, Enter to use, Esc to close</source>
        <translation>输入以缩小列表；上/下键选择，回车使用，Esc 关闭</translation>
    </message>
    <message>
        <source>Recent prompts, newest first: Enter or a click puts one in the prompt box</source>
        <translation>最近的提示词，最新的在前：回车或单击将其放入提示词框</translation>
    </message>
</context>
<context>
    <name>lightning::ui::QueuePanel</name>
    <message>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Running: %1</source>
        <translation>正在运行：%1</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Jobs waiting to run, first to run at the top</source>
        <translation>等待运行的任务，最先运行的在顶部</translation>
    </message>
    <message>
        <source>Remove the selected job from the queue</source>
        <translation>从队列中移除所选任务</translation>
    </message>
    <message>
        <source>Run the selected job earlier</source>
        <translation>提前运行所选任务</translation>
    </message>
    <message>
        <source>Run the selected job later</source>
        <translation>推后运行所选任务</translation>
    </message>
    <message>
        <source>Remove every waiting job</source>
        <translation>移除所有等待中的任务</translation>
    </message>
</context>
<context>
    <name>lightning::ui::RefinePanel</name>
    <message>
        <source>Input image</source>
        <translation>输入图像</translation>
    </message>
    <message>
        <source>None: the prompt alone makes the image. Drop an image on the window, use &quot;Use as input&quot; on a gallery image, or open a file to refine it.</source>
        <translation>无：仅用提示词生成图像。将图像拖放到窗口上、对图库图像使用“用作输入”，或打开文件以精修它。</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Choose an image file to refine</source>
        <translation>选择要精修的图像文件</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Back to text to image</source>
        <translation>返回文生图</translation>
    </message>
    <message>
        <source>Paint mask…</source>
        <translation>绘制蒙版…</translation>
    </message>
    <message>
        <source>Paint the part to repaint (inpainting); the rest is kept</source>
        <translation>绘制要重绘的部分（局部重绘）；其余部分保持不变</translation>
    </message>
    <message>
        <source>Clear mask</source>
        <translation>清除蒙版</translation>
    </message>
    <message>
        <source>Repaint the whole image again (img2img)</source>
        <translation>重绘整张图像（图生图）</translation>
    </message>
    <message>
        <source>S&amp;trength</source>
        <translation>重绘幅度(&amp;T)</translation>
    </message>
    <message>
        <source>How an input of another size than the one set above is fitted</source>
        <translation>输入尺寸与上面设置的尺寸不同时的适配方式</translation>
    </message>
    <message>
        <source>F&amp;it</source>
        <translation>适配(&amp;I)</translation>
    </message>
    <message>
        <source>Softens the mask&apos;s edge (a Gaussian blur of this radius)</source>
        <translation>柔化蒙版边缘（以此半径做高斯模糊）</translation>
    </message>
    <message>
        <source>Mask bl&amp;ur</source>
        <translation>蒙版模糊(&amp;U)</translation>
    </message>
    <message>
        <source>Keep u&amp;nmasked pixels</source>
        <translation>保留未遮罩的像素(&amp;N)</translation>
    </message>
    <message>
        <source>Paste the input&apos;s pixels outside the mask back over the result, so that nothing outside the mask shifts</source>
        <translation>将输入图像在蒙版外的像素贴回结果上，使蒙版外的内容不发生偏移</translation>
    </message>
    <message>
        <source>&amp;Outpaint</source>
        <translation>扩图(&amp;O)</translation>
    </message>
    <message>
        <source>left</source>
        <translation>左</translation>
    </message>
    <message>
        <source>top</source>
        <translation>上</translation>
    </message>
    <message>
        <source>right</source>
        <translation>右</translation>
    </message>
    <message>
        <source>bottom</source>
        <translation>下</translation>
    </message>
    <message>
        <source>Outpaint %1</source>
        <translation>向%1扩图</translation>
    </message>
    <message>
        <source>Grow the canvas on the %1 by this many pixels (repainted); the size above grows with it. Or drag the canvas edges in Paint mask…</source>
        <translation>将画布向%1扩展这么多像素（重绘）；上面的尺寸随之增大。也可在“绘制蒙版…”中拖动画布边缘</translation>
    </message>
    <message>
        <source>How much changes: near 0 the input stays, 1 repaints it from noise</source>
        <translation>改变的程度：接近 0 时保留输入，1 时从噪声完全重绘</translation>
    </message>
    <message>
        <source>Edit mask…</source>
        <translation>编辑蒙版…</translation>
    </message>
    <message>
        <source>%1
%2 × %3 px</source>
        <translation>%1
%2 × %3 像素</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>No mask: the whole image is repainted</source>
        <translation>无蒙版：重绘整张图像</translation>
    </message>
    <message>
        <source>Mask %1: white parts are repainted</source>
        <translation>蒙版 %1：白色部分将被重绘</translation>
    </message>
    <message>
        <source>?</source>
        <translation>?</translation>
    </message>
    <message>
        <source>Mask %1: %2</source>
        <translation>蒙版 %1：%2</translation>
    </message>
    <message>
        <source>Runs the last %1 of %2 steps</source>
        <translation>运行 %2 步中的最后 %1 步</translation>
    </message>
    <message>
        <source>Too low for %1 steps: no step would run</source>
        <translation>对 %1 步来说太低：不会运行任何一步</translation>
    </message>
</context>
<context>
    <name>lightning::ui::ResultGrid</name>
    <message>
        <source>Arrow keys choose, Enter or a double-click keeps the image in the gallery; Ctrl/Shift select several</source>
        <translation>方向键选择，回车或双击将图像保留到图库；Ctrl/Shift 可多选</translation>
    </message>
    <message>
        <source>&amp;Keep selected</source>
        <translation>保留所选(&amp;K)</translation>
    </message>
    <message>
        <source>Save the selected images to the gallery (Ctrl+S)</source>
        <translation>将所选图像保存到图库（Ctrl+S）</translation>
    </message>
    <message>
        <source>Keep &amp;all</source>
        <translation>全部保留(&amp;A)</translation>
    </message>
    <message>
        <source>Save every finished image of this set to the gallery</source>
        <translation>将这一组中每张完成的图像保存到图库</translation>
    </message>
    <message>
        <source>&amp;Back to preview</source>
        <translation>返回预览(&amp;B)</translation>
    </message>
    <message>
        <source>Show the preview again; images not kept are discarded with the next set</source>
        <translation>再次显示预览；未保留的图像会在下一组生成时丢弃</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>step %1/%2</source>
        <translation>第 %1/%2 步</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>已保留</translation>
    </message>
</context>
<context>
    <name>lightning::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>SDXL base</source>
        <translation>SDXL 基础模型</translation>
    </message>
    <message>
        <source>stable-diffusion-xl-base-1.0 folder, or a single-file .safetensors checkpoint</source>
        <translation>stable-diffusion-xl-base-1.0 文件夹，或单文件 .safetensors 模型</translation>
    </message>
    <message>
        <source>Configs for single file</source>
        <translation>单文件模型的配置</translation>
    </message>
    <message>
        <source>diffusers folder with configs and tokenizers</source>
        <translation>包含配置和分词器的 diffusers 文件夹</translation>
    </message>
    <message>
        <source>SDXL-Lightning folder</source>
        <translation>SDXL-Lightning 文件夹</translation>
    </message>
    <message>
        <source>folder with sdxl_lightning_*step_unet*.safetensors</source>
        <translation>包含 sdxl_lightning_*step_unet*.safetensors 的文件夹</translation>
    </message>
    <message>
        <source>Gallery folder</source>
        <translation>图库文件夹</translation>
    </message>
    <message>
        <source>Find in Hugging Face cache</source>
        <translation>在 Hugging Face 缓存中查找</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>Reduced (fast)</source>
        <translation>降低（快速）</translation>
    </message>
    <message>
        <source>Full VAE decode</source>
        <translation>完整 VAE 解码</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>Live previews</source>
        <translation>实时预览</translation>
    </message>
    <message>
        <source> GB</source>
        <translation> GB</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Device memory for Lightning UNets kept ready, so switching between 1, 2, 4 and 8 steps is instant (about 5 GB each in fp16). Automatic: what the device has free.</source>
        <translation>为保持就绪的 Lightning UNet 预留的设备内存，使 1、2、4、8 步之间可即时切换（fp16 下每个约 5 GB）。自动：使用设备的可用内存。</translation>
    </message>
    <message>
        <source>UNet checkpoint cache</source>
        <translation>UNet 模型缓存</translation>
    </message>
    <message>
        <source>A1111: (word:1.2), [word], BREAK</source>
        <translation>A1111：(词:1.2)、[词]、BREAK</translation>
    </message>
    <message>
        <source>Compel: word++, (phrase)1.2, .and()</source>
        <translation>Compel：词++、(短语)1.2、.and()</translation>
    </message>
    <message>
        <source>None: plain text, first 75 tokens</source>
        <translation>无：纯文本，前 75 个词元</translation>
    </message>
    <message>
        <source>How prompts are read. A1111 and Compel weight words and encode long prompts in 75-token chunks; None is diffusers&apos; plain encoding (cut after 75 tokens, 77 with start and end; a note says when). Each image records its syntax, so restoring it reproduces it.</source>
        <translation>提示词的解析方式。A1111 和 Compel 会为词加权，并以 75 个词元为一块编码长提示词；“无”是 diffusers 的普通编码（75 个词元后截断，含开始和结束标记为 77 个；截断时会有提示）。每张图像都会记录其语法，恢复时可完全重现。</translation>
    </message>
    <message>
        <source>Prompt s&amp;yntax</source>
        <translation>提示词语法(&amp;Y)</translation>
    </message>
    <message>
        <source>Embeddings folder</source>
        <translation>嵌入文件夹</translation>
    </message>
    <message>
        <source>textual-inversion .safetensors files (optional)</source>
        <translation>Textual Inversion .safetensors 文件（可选）</translation>
    </message>
    <message>
        <source>Each SDXL embedding file here (clip_l and clip_g) is a token named after the file: neg1.safetensors is used by writing neg1 in a prompt.</source>
        <translation>此处的每个 SDXL 嵌入文件（clip_l 和 clip_g）都是一个以文件名命名的词元：在提示词中写 neg1 即可使用 neg1.safetensors。</translation>
    </message>
    <message>
        <source>VAE</source>
        <translation>VAE</translation>
    </message>
    <message>
        <source>the model&apos;s own VAE (or a VAE file / diffusers VAE folder)</source>
        <translation>模型自带的 VAE（或 VAE 文件 / diffusers VAE 文件夹）</translation>
    </message>
    <message>
        <source>A VAE used instead of the model&apos;s, e.g. sdxl-vae-fp16-fix&apos;s sdxl.vae.safetensors (decodes in fp16 on a GPU)</source>
        <translation>替代模型自带 VAE 的 VAE，例如 sdxl-vae-fp16-fix 的 sdxl.vae.safetensors（在 GPU 上以 fp16 解码）</translation>
    </message>
    <message>
        <source>Upscaler models</source>
        <translation>放大模型</translation>
    </message>
    <message>
        <source>ESRGAN .safetensors / .pth files (optional)</source>
        <translation>ESRGAN .safetensors / .pth 文件（可选）</translation>
    </message>
    <message>
        <source>A folder of ESRGAN-family upscaler models (RealESRGAN_x4plus, 4x-UltraSharp, ...): the gallery&apos;s Upscale ×2 / ×4, the form&apos;s upscale and the hires fix offer each file</source>
        <translation>ESRGAN 系列放大模型的文件夹（RealESRGAN_x4plus、4x-UltraSharp 等）：图库的“放大 ×2 / ×4”、表单的放大和高清修复都会提供其中每个文件</translation>
    </message>
    <message>
        <source>Wildcards folder</source>
        <translation>通配符文件夹</translation>
    </message>
    <message>
        <source>NAME.txt files for __NAME__ in prompts (optional)</source>
        <translation>提示词中 __NAME__ 所用的 NAME.txt 文件（可选）</translation>
    </message>
    <message>
        <source>__colors__ in a prompt is one line of colors.txt here (__sub/name__: sub/name.txt), chosen from the image&apos;s seed; {a|b} chooses without files.</source>
        <translation>提示词中的 __colors__ 是此处 colors.txt 中的一行（__sub/name__：sub/name.txt），根据图像的种子选择；{a|b} 无需文件即可选择。</translation>
    </message>
    <message>
        <source>LoRA folder</source>
        <translation>LoRA 文件夹</translation>
    </message>
    <message>
        <source>LoRA .safetensors files (optional; several: a;b)</source>
        <translation>LoRA .safetensors 文件（可选；多个：a;b）</translation>
    </message>
    <message>
        <source>The form&apos;s LoRA panel offers every .safetensors file here (subfolders too) and in the Hugging Face cache; &lt;lora:name:0.8&gt; in a prompt uses the file name.safetensors</source>
        <translation>表单的 LoRA 面板会提供此处（包括子文件夹）和 Hugging Face 缓存中的每个 .safetensors 文件；提示词中的 &lt;lora:name:0.8&gt; 使用文件 name.safetensors</translation>
    </message>
    <message>
        <source>Automatic (when memory is short)</source>
        <translation>自动（内存不足时）</translation>
    </message>
    <message>
        <source>On</source>
        <translation>开</translation>
    </message>
    <message>
        <source>Decode the image in overlapping tiles (as diffusers&apos; enable_tiling): large sizes fit in less memory; the result differs slightly from an untiled decode</source>
        <translation>以相互重叠的分块解码图像（同 diffusers 的 enable_tiling）：大尺寸所需内存更少；结果与不分块的解码略有不同</translation>
    </message>
    <message>
        <source>VAE &amp;tiling</source>
        <translation>VAE 分块(&amp;T)</translation>
    </message>
    <message>
        <source>Full size</source>
        <translation>完整尺寸</translation>
    </message>
    <message>
        <source>¾ width and height</source>
        <translation>¾ 宽度和高度</translation>
    </message>
    <message>
        <source>½ width and height (4× faster)</source>
        <translation>½ 宽度和高度（快 4 倍）</translation>
    </message>
    <message>
        <source>Live mode renders at this size for a quicker response; Generate and Keep record the size that was rendered</source>
        <translation>实时模式以此尺寸渲染以加快响应；“生成”和“保留”会记录实际渲染的尺寸</translation>
    </message>
    <message>
        <source>&amp;Live mode resolution</source>
        <translation>实时模式分辨率(&amp;L)</translation>
    </message>
    <message>
        <source> images</source>
        <translation> 张图像</translation>
    </message>
    <message>
        <source>&quot;More like this&quot; renders the next seeds of an image (seed + 1 … seed + N)</source>
        <translation>“更多类似”渲染图像的后续种子（种子 + 1 … 种子 + N）</translation>
    </message>
    <message>
        <source>&amp;More like this</source>
        <translation>更多类似(&amp;M)</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose the folder for: %1</source>
        <translation>选择文件夹：%1</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <source>Choose the file for: %1</source>
        <translation>选择文件：%1</translation>
    </message>
    <message>
        <source>Safetensors (*.safetensors)</source>
        <translation>Safetensors (*.safetensors)</translation>
    </message>
    <message>
        <source>single-file checkpoint with configs</source>
        <translation>带配置的单文件模型</translation>
    </message>
    <message>
        <source>SDXL base folder</source>
        <translation>SDXL 基础模型文件夹</translation>
    </message>
    <message>
        <source>configs and tokenizers found</source>
        <translation>已找到配置和分词器</translation>
    </message>
    <message>
        <source>Lightning UNets found</source>
        <translation>已找到 Lightning UNet</translation>
    </message>
    <message>
        <source>Lightning UNets for %1 steps</source>
        <translation>%1 步的 Lightning UNet</translation>
    </message>
    <message>
        <source>writable</source>
        <translation>可写</translation>
    </message>
    <message>
        <source>no embeddings</source>
        <translation>没有嵌入</translation>
    </message>
    <message>
        <source>No folder %1</source>
        <translation>没有文件夹 %1</translation>
    </message>
    <message>
        <source>no .safetensors files in this folder yet</source>
        <translation>此文件夹中还没有 .safetensors 文件</translation>
    </message>
    <message>
        <source>1 embedding: %1</source>
        <translation>1 个嵌入：%1</translation>
    </message>
    <message>
        <source>%1 embeddings: %2</source>
        <translation>%1 个嵌入：%2</translation>
    </message>
    <message>
        <source>the model&apos;s own VAE</source>
        <translation>模型自带的 VAE</translation>
    </message>
    <message>
        <source>VAE file</source>
        <translation>VAE 文件</translation>
    </message>
    <message>
        <source>diffusers VAE folder</source>
        <translation>diffusers VAE 文件夹</translation>
    </message>
    <message>
        <source>No VAE file or folder (with config.json) at %1</source>
        <translation>%1 处没有 VAE 文件或文件夹（含 config.json）</translation>
    </message>
    <message>
        <source>no wildcards</source>
        <translation>没有通配符</translation>
    </message>
    <message>
        <source>wildcards folder</source>
        <translation>通配符文件夹</translation>
    </message>
    <message>
        <source>no LoRA folder (the Hugging Face cache&apos;s LoRAs are offered)</source>
        <translation>没有 LoRA 文件夹（提供 Hugging Face 缓存中的 LoRA）</translation>
    </message>
    <message numerus="yes">
        <source>%n LoRA file(s)</source>
        <translation>
            <numerusform>%n 个 LoRA 文件</numerusform>
        </translation>
    </message>
    <message>
        <source>no upscaler models</source>
        <translation>没有放大模型</translation>
    </message>
    <message>
        <source>no .safetensors or .pth files in this folder yet</source>
        <translation>此文件夹中还没有 .safetensors 或 .pth 文件</translation>
    </message>
    <message>
        <source>1 upscaler: %1</source>
        <translation>1 个放大模型：%1</translation>
    </message>
    <message>
        <source>%1 upscalers: %2</source>
        <translation>%1 个放大模型：%2</translation>
    </message>
    <message>
        <source>Found both models in %1</source>
        <translation>在 %1 中找到了两个模型</translation>
    </message>
    <message>
        <source>Found the SDXL base in %1, but no usable %2 snapshot</source>
        <translation>在 %1 中找到了 SDXL 基础模型，但没有可用的 %2 快照</translation>
    </message>
    <message>
        <source>Found SDXL-Lightning in %1, but no usable %2 snapshot</source>
        <translation>在 %1 中找到了 SDXL-Lightning，但没有可用的 %2 快照</translation>
    </message>
    <message>
        <source>Nothing usable in %1</source>
        <translation>%1 中没有可用的内容</translation>
    </message>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>The language of the app; System follows the desktop&apos;s language</source>
        <translation>应用的语言；“跟随系统”使用桌面的语言</translation>
    </message>
    <message>
        <source>applies on the next start</source>
        <translation>下次启动时生效</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Fill in the model paths from the models in the Hugging Face cache</source>
        <translation>根据 Hugging Face 缓存中的模型填写模型路径</translation>
    </message>
    <message>
        <source>Use and keep these settings</source>
        <translation>使用并保存这些设置</translation>
    </message>
    <message>
        <source>Close without changing settings</source>
        <translation>关闭且不更改设置</translation>
    </message>
    <message>
        <source>How the image is shown while it renders</source>
        <translation>渲染时图像的显示方式</translation>
    </message>
    <message>
        <source>Path of: %1</source>
        <translation>路径：%1</translation>
    </message>
</context>
<context>
    <name>lightning::ui::SetupPage</name>
    <message>
        <source>Open Settings…</source>
        <translation>打开设置…</translation>
    </message>
    <message>
        <source>Search again</source>
        <translation>重新查找</translation>
    </message>
    <message>
        <source>Look in the Hugging Face cache (%1) again</source>
        <translation>重新在 Hugging Face 缓存（%1）中查找</translation>
    </message>
    <message>
        <source>Download models…</source>
        <translation>下载模型…</translation>
    </message>
    <message>
        <source>The model setup is not complete:</source>
        <translation>模型设置不完整：</translation>
    </message>
</context>
<context>
    <name>lightning::ui::TokenCounter</name>
    <message>
        <source>no tokenizer (model not set up)</source>
        <translation>没有分词器（模型未设置）</translation>
    </message>
    <message>
        <source>loading tokenizer…</source>
        <translation>正在加载分词器…</translation>
    </message>
    <message>
        <source>tokenizer failed: %1</source>
        <translation>分词器失败：%1</translation>
    </message>
</context>
<context>
    <name>lightning::ui::UpscalePanel</name>
    <message>
        <source>Hires fix and upscale</source>
        <translation>高清修复和放大</translation>
    </message>
    <message>
        <source>&amp;Hires fix</source>
        <translation>高清修复(&amp;H)</translation>
    </message>
    <message>
        <source>Hires stre&amp;ngth</source>
        <translation>高清修复重绘幅度(&amp;N)</translation>
    </message>
    <message>
        <source>Hires ste&amp;ps</source>
        <translation>高清修复步数(&amp;P)</translation>
    </message>
    <message>
        <source>Hires up&amp;scaler</source>
        <translation>高清修复放大算法(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Upscale with</source>
        <translation>放大模型(&amp;U)</translation>
    </message>
    <message>
        <source>Upscale b&amp;y</source>
        <translation>放大倍数(&amp;Y)</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>A1111&apos;s hires fix: each image is made at the size above, enlarged by this factor and refined there in a second pass</source>
        <translation>A1111 的高清修复：每张图像先以上面的尺寸生成，按此倍数放大，再在第二遍中精修</translation>
    </message>
    <message>
        <source>How much the second pass changes (its denoising strength): the last steps × strength steps of its schedule run</source>
        <translation>第二遍改变的程度（其重绘幅度）：运行其调度中最后 步数 × 幅度 步</translation>
    </message>
    <message>
        <source>Same as the image</source>
        <translation>与图像相同</translation>
    </message>
    <message>
        <source>The second pass&apos;s schedule, with its Lightning checkpoint</source>
        <translation>第二遍的调度及其 Lightning 步数模型</translation>
    </message>
    <message>
        <source>Latent</source>
        <translation>Latent</translation>
    </message>
    <message>
        <source>The first pass&apos;s latents, interpolated bilinearly</source>
        <translation>第一遍的潜空间，双线性插值</translation>
    </message>
    <message>
        <source>Latent (nearest)</source>
        <translation>Latent（最近邻）</translation>
    </message>
    <message>
        <source>The first pass&apos;s latents, each repeated</source>
        <translation>第一遍的潜空间，逐个重复</translation>
    </message>
    <message>
        <source>Lanczos</source>
        <translation>Lanczos</translation>
    </message>
    <message>
        <source>The first pass&apos;s pixels, resized with Lanczos</source>
        <translation>第一遍的像素，用 Lanczos 缩放</translation>
    </message>
    <message>
        <source>How the first pass is enlarged before the second</source>
        <translation>第一遍在第二遍之前的放大方式</translation>
    </message>
    <message>
        <source>The images stay at their size</source>
        <translation>图像保持原尺寸</translation>
    </message>
    <message>
        <source>An upscaler model run over every finished image (after the hires fix)</source>
        <translation>对每张完成的图像运行的放大模型（在高清修复之后）</translation>
    </message>
    <message>
        <source>the model&apos;s own</source>
        <translation>模型自身的</translation>
    </message>
    <message>
        <source>Below the model&apos;s own scale its result is resized down with Lanczos</source>
        <translation>低于模型自身的倍数时，其结果会用 Lanczos 缩小</translation>
    </message>
    <message>
        <source>%1 (not in the upscaler folder)</source>
        <translation>%1（不在放大模型文件夹中）</translation>
    </message>
    <message>
        <source>The hires fix applies to text to image; with an input image, set the larger size above instead.</source>
        <translation>高清修复适用于文生图；有输入图像时，请改为在上面设置更大的尺寸。</translation>
    </message>
</context>
</TS>
