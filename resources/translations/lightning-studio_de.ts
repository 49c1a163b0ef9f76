<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>QObject</name>
    <message>
        <source>%1: %2 GB, %3 GB free when the app started</source>
        <translation>%1: %2 GB, %3 GB frei beim Start der App</translation>
    </message>
    <message>
        <source>The devices found on this machine</source>
        <translation>Die auf diesem Rechner gefundenen Geräte</translation>
    </message>
    <message>
        <source>fp32 on the CPU (bf16 only where the CPU computes it)</source>
        <translation>fp32 auf der CPU (bf16 nur, wo die CPU es berechnet)</translation>
    </message>
    <message>
        <source>fp16 halves GPU memory and is fastest; fp32 is exact</source>
        <translation>fp16 halbiert den GPU-Speicher und ist am schnellsten; fp32 ist exakt</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>Not readable in the image, kept as they were: %1</source>
        <translation>Im Bild nicht lesbar, unverändert gelassen: %1</translation>
    </message>
    <message>
        <source>Outside the limits, the form holds the nearest allowed value: %1</source>
        <translation>Außerhalb der Grenzen, das Formular hält den nächsten erlaubten Wert: %1</translation>
    </message>
    <message>
        <source>Not used here (Lightning Studio samples with Euler): %1</source>
        <translation>Hier nicht verwendet (Lightning Studio sampelt mit Euler): %1</translation>
    </message>
    <message>
        <source>prompt syntax set to %1, as the image was made</source>
        <translation>Prompt-Syntax auf %1 gesetzt, wie beim Erstellen des Bildes</translation>
    </message>
    <message>
        <source>VAE tiling set to %1, as the image was made</source>
        <translation>VAE-Kachelung auf %1 gesetzt, wie beim Erstellen des Bildes</translation>
    </message>
    <message>
        <source>the embedding %1 is not in the embeddings folder</source>
        <translation>das Embedding %1 ist nicht im Embeddings-Ordner</translation>
    </message>
    <message>
        <source>it was made with the model&apos;s own VAE</source>
        <translation>es wurde mit dem modelleigenen VAE erstellt</translation>
    </message>
    <message>
        <source>it was made with the VAE %1</source>
        <translation>es wurde mit dem VAE %1 erstellt</translation>
    </message>
    <message>
        <source>Stretch the input to the size set above</source>
        <translation>Die Eingabe auf die oben eingestellte Größe strecken</translation>
    </message>
    <message>
        <source>Scale the input to cover the size, cutting off what sticks out</source>
        <translation>Die Eingabe so skalieren, dass sie die Größe abdeckt; Überstehendes wird abgeschnitten</translation>
    </message>
    <message>
        <source>Scale the input to fit inside the size, filling the rest from its edges</source>
        <translation>Die Eingabe so skalieren, dass sie in die Größe passt; der Rest wird von ihren Rändern aufgefüllt</translation>
    </message>
    <message>
        <source>The settings of %1 were not used: its %2</source>
        <translation>Die Einstellungen von %1 wurden nicht übernommen: %2</translation>
    </message>
    <message>
        <source>(not used: %1)</source>
        <translation>(nicht verwendet: %1)</translation>
    </message>
    <message>
        <source>(empty prompt)</source>
        <translation>(leerer Prompt)</translation>
    </message>
    <message>
        <source>1 step</source>
        <translation>1 Schritt</translation>
    </message>
    <message>
        <source>%1 steps</source>
        <translation>%1 Schritte</translation>
    </message>
    <message>
        <source>upscale ×%1</source>
        <translation>Hochskalieren ×%1</translation>
    </message>
    <message>
        <source>less than a second</source>
        <translation>weniger als eine Sekunde</translation>
    </message>
    <message>
        <source>estimating…</source>
        <translation>wird geschätzt…</translation>
    </message>
    <message>
        <source>%1 h %2 min left</source>
        <translation>noch %1 h %2 min</translation>
    </message>
    <message>
        <source>%1 min %2 s left</source>
        <translation>noch %1 min %2 s</translation>
    </message>
    <message>
        <source>%1 s left</source>
        <translation>noch %1 s</translation>
    </message>
    <message>
        <source>Recent prompts…</source>
        <translation>Letzte Prompts…</translation>
    </message>
    <message>
        <source>Reuse a recent prompt from the gallery (Alt+Down in the prompt box)</source>
        <translation>Einen letzten Prompt aus der Galerie wiederverwenden (Alt+Unten im Prompt-Feld)</translation>
    </message>
    <message>
        <source>Needs an upscaler model: put ESRGAN files (.safetensors or .pth, e.g. RealESRGAN_x4plus) in a folder and choose it as Upscaler models in Settings</source>
        <translation>Benötigt ein Upscaler-Modell: ESRGAN-Dateien (.safetensors oder .pth, z. B. RealESRGAN_x4plus) in einen Ordner legen und ihn in den Einstellungen als Upscaler-Modelle wählen</translation>
    </message>
    <message>
        <source>Needs an upscaler model: the Upscaler models folder %1 has no .safetensors or .pth file (ESRGAN models such as RealESRGAN_x4plus)</source>
        <translation>Benötigt ein Upscaler-Modell: Der Upscaler-Ordner %1 enthält keine .safetensors- oder .pth-Datei (ESRGAN-Modelle wie RealESRGAN_x4plus)</translation>
    </message>
</context>
<context>
    <name>lightning::ui::GalleryModel</name>
    <message>
        <source>The star could not be saved: %1</source>
        <translation>Der Stern konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>The gallery index could not be saved (the images are safe; it is rebuilt from them next time): %1</source>
        <translation>Der Galerie-Index konnte nicht gespeichert werden (die Bilder sind sicher; er wird beim nächsten Mal aus ihnen neu aufgebaut): %1</translation>
    </message>
    <message>
        <source>%1 (starred)</source>
        <translation>%1 (markiert)</translation>
    </message>
</context>
<context>
    <name>lightning::ui::GalleryWidget</name>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>Bring the deleted images back from the trash (Ctrl+Z)</source>
        <translation>Die gelöschten Bilder aus dem Papierkorb zurückholen (Strg+Z)</translation>
    </message>
    <message>
        <source>Settings of the current image</source>
        <translation>Einstellungen des aktuellen Bildes</translation>
    </message>
    <message>
        <source>No upscaler model is set up (Settings ▸ Upscaler models)</source>
        <translation>Kein Upscaler-Modell eingerichtet (Einstellungen ▸ Upscaler-Modelle)</translation>
    </message>
    <message>
        <source>Click or Enter: large view · S: star · Delete: to the trash (Ctrl+Z undoes) · Ctrl+C: copy prompt · Ctrl+wheel: thumbnail size</source>
        <translation>Klick oder Eingabe: große Ansicht · S: Stern · Entf: in den Papierkorb (Strg+Z macht es rückgängig) · Strg+C: Prompt kopieren · Strg+Mausrad: Miniaturgröße</translation>
    </message>
    <message>
        <source>Reading the gallery: %1 of %2 images…</source>
        <translation>Galerie wird gelesen: %1 von %2 Bildern…</translation>
    </message>
    <message>
        <source>Search prompts…</source>
        <translation>Prompts durchsuchen…</translation>
    </message>
    <message>
        <source>Show images whose prompt contains all these words (Ctrl+F)</source>
        <translation>Bilder zeigen, deren Prompt alle diese Wörter enthält (Strg+F)</translation>
    </message>
    <message>
        <source>Show starred images only</source>
        <translation>Nur markierte Bilder zeigen</translation>
    </message>
    <message>
        <source>Show images made with this many steps</source>
        <translation>Bilder mit dieser Schrittzahl zeigen</translation>
    </message>
    <message>
        <source>Any steps</source>
        <translation>Alle Schritte</translation>
    </message>
    <message>
        <source>Show images made with this checkpoint</source>
        <translation>Bilder zeigen, die mit diesem Checkpoint erstellt wurden</translation>
    </message>
    <message>
        <source>Any model</source>
        <translation>Alle Modelle</translation>
    </message>
    <message>
        <source>Show images made in this period</source>
        <translation>Bilder aus diesem Zeitraum zeigen</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Jederzeit</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>Dieses Jahr</translation>
    </message>
    <message>
        <source>Thumbnail size (Ctrl+wheel over the grid, Ctrl++ / Ctrl+-)</source>
        <translation>Miniaturgröße (Strg+Mausrad über dem Raster, Strg++ / Strg+-)</translation>
    </message>
    <message>
        <source>Save gallery…</source>
        <translation>Galerie speichern…</translation>
    </message>
    <message>
        <source>Export the selected images (or all) with their parameters, a JSON list and an HTML contact sheet</source>
        <translation>Die ausgewählten Bilder (oder alle) mit ihren Parametern, einer JSON-Liste und einem HTML-Kontaktabzug exportieren</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Ordner öffnen</translation>
    </message>
    <message>
        <source>Show the gallery folder in the file manager</source>
        <translation>Den Galerieordner im Dateimanager zeigen</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Star / unstar</source>
        <translation>Stern setzen / entfernen</translation>
    </message>
    <message>
        <source>Copy prompt</source>
        <translation>Prompt kopieren</translation>
    </message>
    <message>
        <source>prompt</source>
        <translation>Prompt</translation>
    </message>
    <message>
        <source>Copy seed</source>
        <translation>Seed kopieren</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>Seed</translation>
    </message>
    <message>
        <source>Copy parameters</source>
        <translation>Parameter kopieren</translation>
    </message>
    <message>
        <source>parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <source>Reuse parameters</source>
        <translation>Parameter übernehmen</translation>
    </message>
    <message>
        <source>Regenerate with this seed</source>
        <translation>Mit diesem Seed neu generieren</translation>
    </message>
    <message>
        <source>Use as input</source>
        <translation>Als Eingabe verwenden</translation>
    </message>
    <message>
        <source>Upscale ×2</source>
        <translation>Hochskalieren ×2</translation>
    </message>
    <message>
        <source>Upscale ×4</source>
        <translation>Hochskalieren ×4</translation>
    </message>
    <message>
        <source>Move to trash</source>
        <translation>In den Papierkorb</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>Löschen rückgängig</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Larger thumbnails</source>
        <translation>Größere Miniaturen</translation>
    </message>
    <message>
        <source>Smaller thumbnails</source>
        <translation>Kleinere Miniaturen</translation>
    </message>
    <message>
        <source>1 step</source>
        <translation>1 Schritt</translation>
    </message>
    <message>
        <source>%1 steps</source>
        <translation>%1 Schritte</translation>
    </message>
    <message>
        <source>1 image</source>
        <translation>1 Bild</translation>
    </message>
    <message>
        <source>%1 images</source>
        <translation>%1 Bilder</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>This image was upscaled from one without generation settings: there are none to reuse or regenerate</source>
        <translation>Dieses Bild wurde aus einem Bild ohne Generierungseinstellungen hochskaliert: Es gibt keine zum Übernehmen oder Neugenerieren</translation>
    </message>
    <message>
        <source>%1 was upscaled from an image without generation settings: there are none to reuse or regenerate</source>
        <translation>%1 wurde aus einem Bild ohne Generierungseinstellungen hochskaliert: Es gibt keine zum Übernehmen oder Neugenerieren</translation>
    </message>
    <message>
        <source>Copied the %1</source>
        <translation>%1 kopiert</translation>
    </message>
    <message>
        <source>Saved %1 images with gallery.json and index.html to %2</source>
        <translation>%1 Bilder mit gallery.json und index.html in %2 gespeichert</translation>
    </message>
    <message>
        <source>Saving the gallery failed: %1</source>
        <translation>Speichern der Galerie fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Save selected images to</source>
        <translation>Ausgewählte Bilder speichern in</translation>
    </message>
    <message>
        <source>Save the whole gallery to</source>
        <translation>Ganze Galerie speichern in</translation>
    </message>
    <message>
        <source>Saving the gallery failed</source>
        <translation>Speichern der Galerie fehlgeschlagen</translation>
    </message>
    <message>
        <source>Nothing was deleted: %1</source>
        <translation>Nichts wurde gelöscht: %1</translation>
    </message>
    <message>
        <source>Moved 1 image to the trash.</source>
        <translation>1 Bild in den Papierkorb verschoben.</translation>
    </message>
    <message>
        <source>Moved %1 images to the trash.</source>
        <translation>%1 Bilder in den Papierkorb verschoben.</translation>
    </message>
    <message>
        <source>Restored %1 image(s). Undo again for the deletion before.</source>
        <translation>%1 Bild(er) wiederhergestellt. Erneut rückgängig für die Löschung davor.</translation>
    </message>
    <message>
        <source>Restored 1 image.</source>
        <translation>1 Bild wiederhergestellt.</translation>
    </message>
    <message>
        <source>Restored %1 images.</source>
        <translation>%1 Bilder wiederhergestellt.</translation>
    </message>
    <message>
        <source>
Time: %1 s</source>
        <translation>
Zeit: %1 s</translation>
    </message>
    <message>
        <source>Save image as</source>
        <translation>Bild speichern unter</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG-Bild (*.png)</translation>
    </message>
    <message>
        <source>Could not save %1</source>
        <translation>%1 konnte nicht gespeichert werden</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>Speichern unter…</translation>
    </message>
    <message>
        <source>Copy image</source>
        <translation>Bild kopieren</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>Im Ordner zeigen</translation>
    </message>
    <message>
        <source>With %1 (the context menu offers each upscaler model)</source>
        <translation>Mit %1 (das Kontextmenü bietet jedes Upscaler-Modell an)</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>Galerie</translation>
    </message>
    <message>
        <source>Generated images, newest first. Enter opens one, S stars it, Delete trashes it</source>
        <translation>Generierte Bilder, neueste zuerst. Eingabe öffnet eines, S markiert es, Entf verschiebt es in den Papierkorb</translation>
    </message>
    <message>
        <source>Search prompts</source>
        <translation>Prompts durchsuchen</translation>
    </message>
    <message>
        <source>Thumbnail size</source>
        <translation>Miniaturgröße</translation>
    </message>
    <message>
        <source>More like this</source>
        <translation>Mehr davon</translation>
    </message>
    <message>
        <source>This image was upscaled from one without generation settings: there are none to render more of</source>
        <translation>Dieses Bild wurde aus einem Bild ohne Generierungseinstellungen hochskaliert: Es gibt keine, aus denen mehr davon entstehen könnte</translation>
    </message>
    <message>
        <source>Render the next seeds of this image, everything else the same (%1)</source>
        <translation>Die nächsten Seeds dieses Bildes rendern, alles andere gleich (%1)</translation>
    </message>
</context>
<context>
    <name>lightning::ui::GenerationController</name>
    <message>
        <source>Loading the model on %1 (%2)…</source>
        <translation>Modell wird auf %1 geladen (%2)…</translation>
    </message>
    <message>
        <source>Ready: %1, loaded in %2 s</source>
        <translation>Bereit: %1, geladen in %2 s</translation>
    </message>
    <message>
        <source>Ready: %1</source>
        <translation>Bereit: %1</translation>
    </message>
</context>
<context>
    <name>lightning::ui::GenerationForm</name>
    <message>
        <source>&amp;Steps</source>
        <translation>&amp;Schritte</translation>
    </message>
    <message>
        <source>&amp;Guidance</source>
        <translation>&amp;Guidance</translation>
    </message>
    <message>
        <source>Si&amp;ze</source>
        <translation>Grö&amp;ße</translation>
    </message>
    <message>
        <source>S&amp;eed</source>
        <translation>S&amp;eed</translation>
    </message>
    <message>
        <source>&amp;Batch</source>
        <translation>St&amp;apel</translation>
    </message>
    <message>
        <source>Describe the image…</source>
        <translation>Beschreibe das Bild…</translation>
    </message>
    <message>
        <source>&amp;Prompt</source>
        <translation>&amp;Prompt</translation>
    </message>
    <message>
        <source>Resolved prompt</source>
        <translation>Aufgelöster Prompt</translation>
    </message>
    <message>
        <source>What to avoid…</source>
        <translation>Was vermieden werden soll…</translation>
    </message>
    <message>
        <source>Negative prompt</source>
        <translation>Negativer Prompt</translation>
    </message>
    <message>
        <source>0 (off)</source>
        <translation>0 (aus)</translation>
    </message>
    <message>
        <source>Classifier-free guidance. SDXL-Lightning is distilled for 0 (off); above 1 every step runs the UNet twice and the negative prompt takes effect.</source>
        <translation>Classifier-free Guidance. SDXL-Lightning ist für 0 (aus) destilliert; über 1 läuft das UNet in jedem Schritt zweimal und der negative Prompt wirkt.</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Benutzerdefiniert</translation>
    </message>
    <message>
        <source>Multiples of %1; SDXL works best near 1024×1024 pixels in total</source>
        <translation>Vielfache von %1; SDXL funktioniert am besten bei insgesamt etwa 1024×1024 Pixeln</translation>
    </message>
    <message>
        <source>Image i of a batch uses seed + i</source>
        <translation>Bild i eines Stapels verwendet Seed + i</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>Zufällig</translation>
    </message>
    <message>
        <source>Pick a new random seed</source>
        <translation>Einen neuen zufälligen Seed wählen</translation>
    </message>
    <message>
        <source>then random</source>
        <translation>dann zufällig</translation>
    </message>
    <message>
        <source>After each run, show a new random seed</source>
        <translation>Nach jedem Durchlauf einen neuen zufälligen Seed zeigen</translation>
    </message>
    <message>
        <source>then same</source>
        <translation>dann gleich</translation>
    </message>
    <message>
        <source>Keep this seed for the next runs</source>
        <translation>Diesen Seed für die nächsten Durchläufe behalten</translation>
    </message>
    <message>
        <source>then +1</source>
        <translation>dann +1</translation>
    </message>
    <message>
        <source>Step on to the next seed after each run (+1 per image, so batches never repeat one)</source>
        <translation>Nach jedem Durchlauf zum nächsten Seed weiterschalten (+1 pro Bild, damit Stapel nie einen wiederholen)</translation>
    </message>
    <message>
        <source>The seed shown always runs next; this chooses the seed shown after a run: a random one, the same one, or the next one</source>
        <translation>Der angezeigte Seed läuft immer als Nächstes; dies wählt den Seed, der nach einem Durchlauf angezeigt wird: einen zufälligen, denselben oder den nächsten</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Render the seed&apos;s own image again, without the variation seed</source>
        <translation>Das eigene Bild des Seeds erneut rendern, ohne den Variations-Seed</translation>
    </message>
    <message>
        <source>Variation seed %1 at strength %2</source>
        <translation>Variations-Seed %1 mit Stärke %2</translation>
    </message>
    <message>
        <source>seed resized from %1×%2</source>
        <translation>Seed skaliert von %1×%2</translation>
    </message>
    <message>
        <source>Images per job, with seeds seed, seed+1, …</source>
        <translation>Bilder pro Auftrag, mit den Seeds Seed, Seed+1, …</translation>
    </message>
    <message>
        <source>Seed %1: %2</source>
        <translation>Seed %1: %2</translation>
    </message>
    <message>
        <source>Negative: %1</source>
        <translation>Negativ: %1</translation>
    </message>
    <message>
        <source>Guidance %1: each step runs the UNet twice (slower); the negative prompt steers away.</source>
        <translation>Guidance %1: Jeder Schritt lässt das UNet zweimal laufen (langsamer); der negative Prompt lenkt weg.</translation>
    </message>
    <message>
        <source>The negative prompt takes effect only with guidance above 1 (Lightning is distilled for guidance 0).</source>
        <translation>Der negative Prompt wirkt nur mit einer Guidance über 1 (Lightning ist für Guidance 0 destilliert).</translation>
    </message>
    <message>
        <source>(not set)</source>
        <translation>(nicht gesetzt)</translation>
    </message>
    <message>
        <source>%1 (file missing)</source>
        <translation>%1 (Datei fehlt)</translation>
    </message>
    <message>
        <source>No %1 in the SDXL-Lightning folder %2. Download it from %3 (Settings).</source>
        <translation>Kein %1 im SDXL-Lightning-Ordner %2. Von %3 herunterladen (Einstellungen).</translation>
    </message>
    <message>
        <source>Uses %1 in %2</source>
        <translation>Verwendet %1 in %2</translation>
    </message>
    <message>
        <source>What the image shows; (words:1.2) weights words, &lt;lora:name:weight&gt; adds a LoRA. Ctrl+Return generates</source>
        <translation>Was das Bild zeigt; (wörter:1.2) gewichtet Wörter, &lt;lora:name:gewicht&gt; fügt eine LoRA hinzu. Strg+Eingabe generiert</translation>
    </message>
    <message>
        <source>What the image should not show</source>
        <translation>Was das Bild nicht zeigen soll</translation>
    </message>
    <message>
        <source>Image size in pixels: a preset, or Custom for the width and height</source>
        <translation>Bildgröße in Pixeln: eine Vorgabe oder Benutzerdefiniert für Breite und Höhe</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>Breite</translation>
    </message>
    <message>
        <source>Height</source>
        <translation>Höhe</translation>
    </message>
</context>
<context>
    <name>lightning::ui::ImageViewer</name>
    <message>
        <source>Image</source>
        <translation>Bild</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ Zurück</translation>
    </message>
    <message>
        <source>Previous image (Left, Page Up)</source>
        <translation>Vorheriges Bild (Links, Bild auf)</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>Weiter ▶</translation>
    </message>
    <message>
        <source>Next image (Right, Page Down)</source>
        <translation>Nächstes Bild (Rechts, Bild ab)</translation>
    </message>
    <message>
        <source>100 %</source>
        <translation>100 %</translation>
    </message>
    <message>
        <source>Toggle between zoom to fit and 100 % (Z; F fits, 1 is 100 %)</source>
        <translation>Zwischen „Einpassen“ und 100 % umschalten (Z; F passt ein, 1 ist 100 %)</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Vergrößern</translation>
    </message>
    <message>
        <source>Zoom in (Ctrl++ or the wheel)</source>
        <translation>Vergrößern (Strg++ oder Mausrad)</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Verkleinern</translation>
    </message>
    <message>
        <source>Zoom out (Ctrl+- or the wheel)</source>
        <translation>Verkleinern (Strg+- oder Mausrad)</translation>
    </message>
    <message>
        <source>★ Star</source>
        <translation>★ Stern</translation>
    </message>
    <message>
        <source>Star or unstar this image (S)</source>
        <translation>Stern für dieses Bild setzen oder entfernen (S)</translation>
    </message>
    <message>
        <source>Use as input</source>
        <translation>Als Eingabe verwenden</translation>
    </message>
    <message>
        <source>Refine this image: it becomes the input image of the form</source>
        <translation>Dieses Bild verfeinern: Es wird zum Eingabebild des Formulars</translation>
    </message>
    <message>
        <source>Upscale ×%1</source>
        <translation>Hochskalieren ×%1</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Einpassen</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The image. Z toggles fit and 100 %, arrows show the previous or next, S stars it</source>
        <translation>Das Bild. Z wechselt zwischen Einpassen und 100 %, die Pfeiltasten zeigen das vorige oder nächste, S markiert es</translation>
    </message>
    <message>
        <source>Upscale this image %1 times with the upscaler model</source>
        <translation>Dieses Bild mit dem Upscaler-Modell %1-fach hochskalieren</translation>
    </message>
</context>
<context>
    <name>lightning::ui::LoraPanel</name>
    <message>
        <source>LoRAs</source>
        <translation>LoRAs</translation>
    </message>
    <message>
        <source>The LoRA files of the LoRA folder (Settings) and the Hugging Face cache; in the prompt, &lt;lora:name:weight&gt; adds one too</source>
        <translation>Die LoRA-Dateien des LoRA-Ordners (Einstellungen) und des Hugging-Face-Caches; im Prompt fügt &lt;lora:name:gewicht&gt; ebenfalls eine hinzu</translation>
    </message>
    <message>
        <source>&amp;Add LoRA</source>
        <translation>LoRA &amp;hinzufügen</translation>
    </message>
    <message>
        <source>List the LoRA files again</source>
        <translation>Die LoRA-Dateien neu auflisten</translation>
    </message>
    <message>
        <source>No LoRA named &apos;%1&apos; in %2</source>
        <translation>Keine LoRA namens „%1“ in %2</translation>
    </message>
    <message>
        <source>At most %1 LoRAs at once</source>
        <translation>Höchstens %1 LoRAs gleichzeitig</translation>
    </message>
    <message>
        <source>Weight of %1</source>
        <translation>Gewicht von %1</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>%1 entfernen</translation>
    </message>
    <message>
        <source>%1 (not found)</source>
        <translation>%1 (nicht gefunden)</translation>
    </message>
    <message>
        <source>Add the LoRA chosen on the left to the image&apos;s LoRAs</source>
        <translation>Die links gewählte LoRA zu den LoRAs des Bildes hinzufügen</translation>
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
        <translation>&amp;Gerät</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Generieren</translation>
    </message>
    <message>
        <source>Add to queue</source>
        <translation>Zur Warteschlange</translation>
    </message>
    <message>
        <source>Queue another job with the current settings (Ctrl+Enter)</source>
        <translation>Einen weiteren Auftrag mit den aktuellen Einstellungen einreihen (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>&amp;Live</source>
        <translation>&amp;Live</translation>
    </message>
    <message>
        <source>Live mode (Ctrl+L): every change to the prompt, size, steps or seed renders again with the seed shown; the newest change wins. Live images are not saved unless you keep them (Ctrl+S).</source>
        <translation>Live-Modus (Strg+L): Jede Änderung an Prompt, Größe, Schritten oder Seed rendert erneut mit dem angezeigten Seed; die neueste Änderung gewinnt. Live-Bilder werden nur gespeichert, wenn Sie sie behalten (Strg+S).</translation>
    </message>
    <message>
        <source>Generation runs on the CPU. A CUDA GPU makes an image in about a second; see the README&apos;s &quot;NVIDIA GPU&quot; section.</source>
        <translation>Die Generierung läuft auf der CPU. Eine CUDA-GPU erstellt ein Bild in etwa einer Sekunde; siehe den Abschnitt „NVIDIA GPU“ der README.</translation>
    </message>
    <message>
        <source>Type a prompt and press Generate (Ctrl+Enter).
Drop a PNG here to reuse its settings, or any other image to refine it
(on the form&apos;s Input image section, a generated PNG is refined too).</source>
        <translation>Prompt eingeben und Generieren drücken (Strg+Eingabe).
Ein PNG hier ablegen, um seine Einstellungen zu übernehmen, oder ein anderes Bild, um es zu verfeinern
(im Abschnitt Eingabebild des Formulars wird auch ein generiertes PNG verfeinert).</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>Behalten</translation>
    </message>
    <message>
        <source>Save the live image shown to the gallery (Ctrl+S)</source>
        <translation>Das angezeigte Live-Bild in der Galerie speichern (Strg+S)</translation>
    </message>
    <message>
        <source>Gallery</source>
        <translation>Galerie</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Models…</source>
        <translation>&amp;Modelle…</translation>
    </message>
    <message>
        <source>Ctrl+,</source>
        <translation>Ctrl+,</translation>
    </message>
    <message>
        <source>Save &amp;gallery…</source>
        <translation>&amp;Galerie speichern…</translation>
    </message>
    <message>
        <source>&amp;Open gallery folder</source>
        <translation>Galerie&amp;ordner öffnen</translation>
    </message>
    <message>
        <source>Open &amp;folder as gallery…</source>
        <translation>Ordner als Galerie ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Open folder as gallery</source>
        <translation>Ordner als Galerie öffnen</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>&amp;Generieren</translation>
    </message>
    <message>
        <source>&amp;Generate / add to queue</source>
        <translation>&amp;Generieren / einreihen</translation>
    </message>
    <message>
        <source>&amp;Cancel current image</source>
        <translation>Aktuelles Bild &amp;abbrechen</translation>
    </message>
    <message>
        <source>Cancel &amp;all</source>
        <translation>&amp;Alle abbrechen</translation>
    </message>
    <message>
        <source>&amp;Random seed</source>
        <translation>&amp;Zufälliger Seed</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Getting the &amp;models</source>
        <translation>Die &amp;Modelle besorgen</translation>
    </message>
    <message>
        <source>Getting the models</source>
        <translation>Die Modelle besorgen</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>Ü&amp;ber</translation>
    </message>
    <message>
        <source>About Lightning Studio</source>
        <translation>Über Lightning Studio</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;SDXL-Lightning text-to-image in 1, 2, 4 or 8 steps, native C++ (Qt + libtorch).</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;SDXL-Lightning Text-zu-Bild in 1, 2, 4 oder 8 Schritten, natives C++ (Qt + libtorch).</translation>
    </message>
    <message>
        <source>Live: %1</source>
        <translation>Live: %1</translation>
    </message>
    <message>
        <source>Switched to %1 in %2 s (from %3)</source>
        <translation>Zu %1 gewechselt in %2 s (von %3)</translation>
    </message>
    <message>
        <source>%1 step checkpoints ready for instant switching</source>
        <translation>%1 Schritt-Checkpoints bereit zum sofortigen Wechseln</translation>
    </message>
    <message>
        <source>Could not switch to %1: %2</source>
        <translation>Wechsel zu %1 nicht möglich: %2</translation>
    </message>
    <message>
        <source>Queue (%1)</source>
        <translation>Warteschlange (%1)</translation>
    </message>
    <message>
        <source>No SDXL models in the Hugging Face cache %1</source>
        <translation>Keine SDXL-Modelle im Hugging-Face-Cache %1</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Hinweis: %1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Compare steps</source>
        <translation>Schritte vergleichen</translation>
    </message>
    <message>
        <source>Render this prompt and seed with every step checkpoint (1, 2, 4, 8) side by side (Ctrl+Shift+C)</source>
        <translation>Diesen Prompt und Seed mit jedem Schritt-Checkpoint (1, 2, 4, 8) nebeneinander rendern (Strg+Umschalt+C)</translation>
    </message>
    <message>
        <source>More like this</source>
        <translation>Mehr davon</translation>
    </message>
    <message>
        <source>Render the next seeds of the image in view, everything else the same: the grid&apos;s selected image, the live image, or else the gallery&apos;s selected image (Ctrl+Shift+M)</source>
        <translation>Die nächsten Seeds des angezeigten Bildes rendern, alles andere gleich: das ausgewählte Bild des Rasters, das Live-Bild oder sonst das ausgewählte Bild der Galerie (Strg+Umschalt+M)</translation>
    </message>
    <message>
        <source>Variations</source>
        <translation>Variationen</translation>
    </message>
    <message>
        <source>Render the image in view with the next variation seeds, blended into its own seed&apos;s noise at the strength on the right (A1111&apos;s variation seed; Ctrl+Shift+V)</source>
        <translation>Das angezeigte Bild mit den nächsten Variations-Seeds rendern, in das Rauschen seines eigenen Seeds gemischt mit der Stärke rechts (Variations-Seed wie in A1111; Strg+Umschalt+V)</translation>
    </message>
    <message>
        <source>Variation strength: how much of the variation seed&apos;s noise (0.01: nearly the image itself, 1: the variation seed&apos;s own image)</source>
        <translation>Variationsstärke: wie viel vom Rauschen des Variations-Seeds (0,01: fast das Bild selbst, 1: das eigene Bild des Variations-Seeds)</translation>
    </message>
    <message>
        <source>E&amp;xplore</source>
        <translation>E&amp;rkunden</translation>
    </message>
    <message>
        <source>&amp;Live mode</source>
        <translation>&amp;Live-Modus</translation>
    </message>
    <message>
        <source>&amp;Keep</source>
        <translation>&amp;Behalten</translation>
    </message>
    <message>
        <source>Save the live image, or the grid&apos;s selected images, to the gallery</source>
        <translation>Das Live-Bild oder die ausgewählten Bilder des Rasters in der Galerie speichern</translation>
    </message>
    <message>
        <source>&amp;Compare steps</source>
        <translation>Schritte &amp;vergleichen</translation>
    </message>
    <message>
        <source>&amp;More like this</source>
        <translation>&amp;Mehr davon</translation>
    </message>
    <message>
        <source>&amp;Variations</source>
        <translation>&amp;Variationen</translation>
    </message>
    <message>
        <source>Show the last &amp;grid</source>
        <translation>Letztes &amp;Raster zeigen</translation>
    </message>
    <message>
        <source>Live mode: changes render as you type</source>
        <translation>Live-Modus: Änderungen werden beim Tippen gerendert</translation>
    </message>
    <message>
        <source>Live: type a seed (or press Random)</source>
        <translation>Live: einen Seed eingeben (oder Zufällig drücken)</translation>
    </message>
    <message>
        <source>Live · %1 s · seed %2 · %3</source>
        <translation>Live · %1 s · Seed %2 · %3</translation>
    </message>
    <message>
        <source>Could not keep the image: %1</source>
        <translation>Das Bild konnte nicht behalten werden: %1</translation>
    </message>
    <message>
        <source>Kept %1</source>
        <translation>%1 behalten</translation>
    </message>
    <message>
        <source>Cannot compare: %1</source>
        <translation>Vergleich nicht möglich: %1</translation>
    </message>
    <message>
        <source>Cannot compare: no step checkpoint is available</source>
        <translation>Vergleich nicht möglich: Kein Schritt-Checkpoint verfügbar</translation>
    </message>
    <message>
        <source>Compare steps · seed %1 · %2×%3 — %4</source>
        <translation>Schritte vergleichen · Seed %1 · %2×%3 — %4</translation>
    </message>
    <message>
        <source>the embeddings folder has no %1</source>
        <translation>der Embeddings-Ordner hat kein %1</translation>
    </message>
    <message>
        <source>Cannot make more like this: %1</source>
        <translation>„Mehr davon“ nicht möglich: %1</translation>
    </message>
    <message>
        <source>More like seed %1 · %2 · %3×%4 — %5</source>
        <translation>Mehr wie Seed %1 · %2 · %3×%4 — %5</translation>
    </message>
    <message>
        <source>seed %1</source>
        <translation>Seed %1</translation>
    </message>
    <message>
        <source>Cannot make variations: %1</source>
        <translation>Variationen nicht möglich: %1</translation>
    </message>
    <message>
        <source>Variations of seed %1 at strength %2 · %3 · %4×%5 — %6</source>
        <translation>Variationen von Seed %1 mit Stärke %2 · %3 · %4×%5 — %6</translation>
    </message>
    <message>
        <source>variation seed %1</source>
        <translation>Variations-Seed %1</translation>
    </message>
    <message>
        <source>Select an image in the gallery first</source>
        <translation>Zuerst ein Bild in der Galerie auswählen</translation>
    </message>
    <message>
        <source>%1 was upscaled from an image without generation settings: there is nothing to vary</source>
        <translation>%1 wurde aus einem Bild ohne Generierungseinstellungen hochskaliert: Es gibt nichts zu variieren</translation>
    </message>
    <message>
        <source>Settings restored</source>
        <translation>Einstellungen übernommen</translation>
    </message>
    <message>
        <source>%1 has no generation parameters</source>
        <translation>%1 hat keine Generierungsparameter</translation>
    </message>
    <message>
        <source>%1 has no generation parameters this app can read: %2</source>
        <translation>%1 hat keine Generierungsparameter, die diese App lesen kann: %2</translation>
    </message>
    <message>
        <source>Settings restored from %1</source>
        <translation>Einstellungen aus %1 übernommen</translation>
    </message>
    <message>
        <source>Restored; %1.</source>
        <translation>Übernommen; %1.</translation>
    </message>
    <message>
        <source>Set up the model first (File ▸ Settings)</source>
        <translation>Zuerst das Modell einrichten (Datei ▸ Einstellungen)</translation>
    </message>
    <message>
        <source>The %1 file is missing</source>
        <translation>Die Datei %1 fehlt</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop the running image before its next step (Esc)</source>
        <translation>Das laufende Bild vor seinem nächsten Schritt anhalten (Esc)</translation>
    </message>
    <message>
        <source>Generate (Ctrl+Enter)</source>
        <translation>Generieren (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Queue another job (Ctrl+Enter)</source>
        <translation>Einen weiteren Auftrag einreihen (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Model not set up</source>
        <translation>Modell nicht eingerichtet</translation>
    </message>
    <message>
        <source>Model failed to load</source>
        <translation>Modell konnte nicht geladen werden</translation>
    </message>
    <message>
        <source>Live mode: rendering the newest change</source>
        <translation>Live-Modus: Die neueste Änderung wird gerendert</translation>
    </message>
    <message>
        <source>Upscaling (job #%1)</source>
        <translation>Hochskalieren (Auftrag #%1)</translation>
    </message>
    <message>
        <source>Generating job #%1 (%2 more queued)</source>
        <translation>Auftrag #%1 wird generiert (%2 weitere in der Warteschlange)</translation>
    </message>
    <message>
        <source>Generating job #%1</source>
        <translation>Auftrag #%1 wird generiert</translation>
    </message>
    <message>
        <source>Running on the CPU: about %1 per %2×%3 image</source>
        <translation>Läuft auf der CPU: etwa %1 pro %2×%3-Bild</translation>
    </message>
    <message>
        <source>Set up the model first: %1</source>
        <translation>Zuerst das Modell einrichten: %1</translation>
    </message>
    <message>
        <source>Cannot generate: %1</source>
        <translation>Generieren nicht möglich: %1</translation>
    </message>
    <message>
        <source>the input image</source>
        <translation>das Eingabebild</translation>
    </message>
    <message>
        <source>the mask</source>
        <translation>die Maske</translation>
    </message>
    <message>
        <source>the hires upscaler model</source>
        <translation>das Hires-Upscaler-Modell</translation>
    </message>
    <message>
        <source>the upscaler model</source>
        <translation>das Upscaler-Modell</translation>
    </message>
    <message>
        <source>%1 %2 is not there</source>
        <translation>%1 %2 ist nicht vorhanden</translation>
    </message>
    <message>
        <source>Could not load the model</source>
        <translation>Das Modell konnte nicht geladen werden</translation>
    </message>
    <message>
        <source>Starting %1…</source>
        <translation>%1 wird gestartet…</translation>
    </message>
    <message>
        <source>step %1/%2 · %3 s</source>
        <translation>Schritt %1/%2 · %3 s</translation>
    </message>
    <message>
        <source>image %1/%2 · </source>
        <translation>Bild %1/%2 · </translation>
    </message>
    <message>
        <source>Live · </source>
        <translation>Live · </translation>
    </message>
    <message>
        <source>Upscaling · tile %1/%2 · %3 s</source>
        <translation>Hochskalieren · Kachel %1/%2 · %3 s</translation>
    </message>
    <message>
        <source>Upscaled ×%1 in %2 s · %3×%4</source>
        <translation>×%1 hochskaliert in %2 s · %3×%4</translation>
    </message>
    <message>
        <source>Done in %1 s · seed %2 · %3</source>
        <translation>Fertig in %1 s · Seed %2 · %3</translation>
    </message>
    <message>
        <source>Job #%1 failed</source>
        <translation>Auftrag #%1 fehlgeschlagen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Job #%1 cancelled</source>
        <translation>Auftrag #%1 abgebrochen</translation>
    </message>
    <message>
        <source>1 job from the last session queued again</source>
        <translation>1 Auftrag der letzten Sitzung erneut eingereiht</translation>
    </message>
    <message>
        <source>%1 jobs from the last session queued again</source>
        <translation>%1 Aufträge der letzten Sitzung erneut eingereiht</translation>
    </message>
    <message>
        <source>about %1 left</source>
        <translation>noch etwa %1</translation>
    </message>
    <message>
        <source>Cannot use %1 as the input image: %2</source>
        <translation>%1 kann nicht als Eingabebild verwendet werden: %2</translation>
    </message>
    <message>
        <source>Input image: %1</source>
        <translation>Eingabebild: %1</translation>
    </message>
    <message>
        <source>Input image</source>
        <translation>Eingabebild</translation>
    </message>
    <message>
        <source>Images (%1);;All files (*)</source>
        <translation>Bilder (%1);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Set an input image first</source>
        <translation>Zuerst ein Eingabebild festlegen</translation>
    </message>
    <message>
        <source>Could not save the mask: %1</source>
        <translation>Die Maske konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>Not found beside the gallery (%1): %2. Set the input image again.</source>
        <translation>Nicht neben der Galerie gefunden (%1): %2. Das Eingabebild erneut festlegen.</translation>
    </message>
    <message>
        <source>No upscaler model %1 in the Upscaler models folder (%2); put it there (Settings).</source>
        <translation>Kein Upscaler-Modell %1 im Upscaler-Ordner (%2); bitte dort ablegen (Einstellungen).</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>nicht gesetzt</translation>
    </message>
    <message>
        <source>the image cannot be read (%1)</source>
        <translation>das Bild kann nicht gelesen werden (%1)</translation>
    </message>
    <message>
        <source>set up the model first (%1)</source>
        <translation>zuerst das Modell einrichten (%1)</translation>
    </message>
    <message>
        <source>Cannot upscale %1: %2</source>
        <translation>%1 kann nicht hochskaliert werden: %2</translation>
    </message>
    <message>
        <source>What the app and the engine reported, newest last</source>
        <translation>Was die App und die Engine gemeldet haben, neueste zuletzt</translation>
    </message>
    <message>
        <source>Variation strength</source>
        <translation>Variationsstärke</translation>
    </message>
</context>
<context>
    <name>lightning::ui::MaskPainter</name>
    <message>
        <source>Paint mask</source>
        <translation>Maske malen</translation>
    </message>
    <message>
        <source>Paint what to repaint (shown red); the rest of the image is kept. Right button: erase. [ and ]: brush size. Drag an edge or corner of the canvas outward to outpaint there.</source>
        <translation>Malen, was neu gemalt werden soll (rot dargestellt); der Rest des Bildes bleibt. Rechte Maustaste: radieren. [ und ]: Pinselgröße. Eine Kante oder Ecke der Leinwand nach außen ziehen, um dort zu erweitern (Outpainting).</translation>
    </message>
    <message>
        <source>Use mask</source>
        <translation>Maske verwenden</translation>
    </message>
    <message>
        <source>Brush</source>
        <translation>Pinsel</translation>
    </message>
    <message>
        <source>Paint the parts to repaint (B)</source>
        <translation>Die neu zu malenden Teile malen (B)</translation>
    </message>
    <message>
        <source>Eraser</source>
        <translation>Radierer</translation>
    </message>
    <message>
        <source>Erase: keep these parts (E)</source>
        <translation>Radieren: diese Teile behalten (E)</translation>
    </message>
    <message>
        <source>Brush size in pixels of the image ([ smaller, ] larger)</source>
        <translation>Pinselgröße in Bildpixeln ([ kleiner, ] größer)</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Invert</source>
        <translation>Umkehren</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Canvas %1 × %2 px</source>
        <translation>Leinwand %1 × %2 px</translation>
    </message>
    <message>
        <source>%1; outpainting left %2, top %3, right %4, bottom %5 px</source>
        <translation>%1; Outpainting links %2, oben %3, rechts %4, unten %5 px</translation>
    </message>
    <message>
        <source>Repaint the painted parts</source>
        <translation>Die bemalten Teile neu malen</translation>
    </message>
    <message>
        <source>Close without changing the mask</source>
        <translation>Schließen, ohne die Maske zu ändern</translation>
    </message>
    <message>
        <source>Brush size</source>
        <translation>Pinselgröße</translation>
    </message>
</context>
<context>
    <name>lightning::ui::MessageBanner</name>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Show details</source>
        <translation>Details zeigen</translation>
    </message>
    <message>
        <source>The engine&apos;s full message, to copy into a bug report</source>
        <translation>Die vollständige Meldung der Engine, zum Kopieren in einen Fehlerbericht</translation>
    </message>
    <message>
        <source>Hide details</source>
        <translation>Details ausblenden</translation>
    </message>
</context>
<context>
    <name>lightning::ui::ModelsDialog</name>
    <message>
        <source>Asking the hub for %1…</source>
        <translation>Hub wird nach %1 gefragt…</translation>
    </message>
    <message>
        <source>File %1 of %2: %3 — %4 of %5</source>
        <translation>Datei %1 von %2: %3 — %4 von %5</translation>
    </message>
    <message>
        <source> (verifying)</source>
        <translation> (wird geprüft)</translation>
    </message>
    <message>
        <source>
All: %1 of %2 at %3/s, %4</source>
        <translation>
Gesamt: %1 von %2 mit %3/s, %4</translation>
    </message>
    <message>
        <source>Done: %1 files downloaded, %2 were already in the cache.</source>
        <translation>Fertig: %1 Dateien heruntergeladen, %2 waren bereits im Cache.</translation>
    </message>
    <message>
        <source>Cancelled. What arrived is kept; the next download resumes it.</source>
        <translation>Abgebrochen. Was angekommen ist, bleibt erhalten; der nächste Download setzt es fort.</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Herunterladen</translation>
    </message>
    <message>
        <source>SDXL base: text encoders, tokenizers, VAE, configs (%1)</source>
        <translation>SDXL-Basis: Text-Encoder, Tokenizer, VAE, Konfigurationen (%1)</translation>
    </message>
    <message>
        <source>SDXL-Lightning UNets:</source>
        <translation>SDXL-Lightning-UNets:</translation>
    </message>
    <message>
        <source>1 step</source>
        <translation>1 Schritt</translation>
    </message>
    <message>
        <source>%1 steps</source>
        <translation>%1 Schritte</translation>
    </message>
    <message>
        <source>fp16 variants where the repository has them (half the download)</source>
        <translation>fp16-Varianten, wo das Repository sie hat (halber Download)</translation>
    </message>
    <message>
        <source>Cancel download</source>
        <translation>Download abbrechen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <source>Files go to the Hugging Face cache &lt;b&gt;%1&lt;/b&gt; (shared with other tools; set HF_HOME or HF_HUB_CACHE to change it), from %2.</source>
        <translation>Dateien kommen in den Hugging-Face-Cache &lt;b&gt;%1&lt;/b&gt; (mit anderen Tools geteilt; HF_HOME oder HF_HUB_CACHE setzen, um ihn zu ändern), von %2.</translation>
    </message>
    <message>
        <source>This build has no downloader (libcurl was missing when it was built). Fetch the files with huggingface-cli instead.</source>
        <translation>Dieser Build hat keinen Downloader (libcurl fehlte beim Bauen). Die Dateien stattdessen mit huggingface-cli holen.</translation>
    </message>
    <message>
        <source>%1: not in the cache</source>
        <translation>%1: nicht im Cache</translation>
    </message>
    <message>
        <source>%1: %2 of %3 files in the cache (%4)</source>
        <translation>%1: %2 von %3 Dateien im Cache (%4)</translation>
    </message>
    <message>
        <source>; UNets for %1 steps</source>
        <translation>; UNets für Schritte: %1</translation>
    </message>
    <message>
        <source>no</source>
        <translation>keine</translation>
    </message>
    <message numerus="yes">
        <source>; %n unfinished download(s) will resume</source>
        <translation>
            <numerusform>; %n unvollständiger Download wird fortgesetzt</numerusform>
            <numerusform>; %n unvollständige Downloads werden fortgesetzt</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing selected.</source>
        <translation>Nichts ausgewählt.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <source>Download failed; the reason is in the notes below.</source>
        <translation>Download fehlgeschlagen; der Grund steht in den Hinweisen unten.</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Download running</source>
        <translation>Download läuft</translation>
    </message>
    <message>
        <source>Stop the download? What arrived so far is kept and resumes next time.</source>
        <translation>Den Download anhalten? Was bisher angekommen ist, bleibt erhalten und wird beim nächsten Mal fortgesetzt.</translation>
    </message>
    <message>
        <source>Download the parts of SDXL that every image needs</source>
        <translation>Die Teile von SDXL herunterladen, die jedes Bild braucht</translation>
    </message>
    <message>
        <source>Download the SDXL-Lightning UNet for this step count</source>
        <translation>Das SDXL-Lightning-UNet für diese Schrittzahl herunterladen</translation>
    </message>
    <message>
        <source>Download half-precision files where there are some: smaller, for GPUs</source>
        <translation>Dateien in halber Genauigkeit herunterladen, wo es sie gibt: kleiner, für GPUs</translation>
    </message>
    <message>
        <source>Download the files ticked above from Hugging Face</source>
        <translation>Die oben angekreuzten Dateien von Hugging Face herunterladen</translation>
    </message>
    <message>
        <source>Stop the download; what is complete stays</source>
        <translation>Den Download anhalten; was vollständig ist, bleibt</translation>
    </message>
    <message>
        <source>Close this dialog</source>
        <translation>Diesen Dialog schließen</translation>
    </message>
    <message>
        <source>Download notes</source>
        <translation>Download-Hinweise</translation>
    </message>
    <message>
        <source>What the download did, one line per file</source>
        <translation>Was der Download getan hat, eine Zeile pro Datei</translation>
    </message>
</context>
<context>
    <name>lightning::ui::PromptBox</name>
    <message>
        <source>tokens: %1</source>
        <translation>Tokens: %1</translation>
    </message>
    <message>
        <source>cannot read the prompt</source>
        <translation>Prompt nicht lesbar</translation>
    </message>
    <message>
        <source>%1 / %2 tokens</source>
        <translation>%1 / %2 Tokens</translation>
    </message>
    <message>
        <source>1 chunk of %1 tokens</source>
        <translation>1 Block mit %1 Tokens</translation>
    </message>
    <message>
        <source>%1 chunks of %2 tokens</source>
        <translation>%1 Blöcke mit %2 Tokens</translation>
    </message>
    <message>
        <source>; a longer prompt takes another chunk (prompt syntax %1)</source>
        <translation>; ein längerer Prompt belegt einen weiteren Block (Prompt-Syntax %1)</translation>
    </message>
    <message>
        <source> (OpenCLIP: %1)</source>
        <translation> (OpenCLIP: %1)</translation>
    </message>
    <message>
        <source>SDXL&apos;s text encoders read at most %1 tokens; the rest of the prompt is ignored.</source>
        <translation>Die Text-Encoder von SDXL lesen höchstens %1 Tokens; der Rest des Prompts wird ignoriert.</translation>
    </message>
    <message>
        <source>Tokens used of the %1 the text encoders read</source>
        <translation>Belegte Tokens von den %1, die die Text-Encoder lesen</translation>
    </message>
    <message>
        <source>the resolved prompt&apos;s end is cut</source>
        <translation>das Ende des aufgelösten Prompts wird abgeschnitten</translation>
    </message>
    <message>
        <source>the struck-out end is cut</source>
        <translation>das durchgestrichene Ende wird abgeschnitten</translation>
    </message>
</context>
<context>
    <name>lightning::ui::PromptHistoryPopup</name>
    <message>
        <source>Filter recent prompts…</source>
        <translation>Letzte Prompts filtern…</translation>
    </message>
    <message>
        <source>Type to narrow the list; Up/Down to pick, Enter to use, Esc to close</source>
        <translation>Tippen, um die Liste einzugrenzen; Hoch/Runter zum Wählen, Eingabe zum Verwenden, Esc zum Schließen</translation>
    </message>
    <message>
        <source>Recent prompts, newest first: Enter or a click puts one in the prompt box</source>
        <translation>Letzte Prompts, neueste zuerst: Eingabe oder ein Klick setzt einen ins Prompt-Feld</translation>
    </message>
</context>
<context>
    <name>lightning::ui::QueuePanel</name>
    <message>
        <source>Idle</source>
        <translation>Leerlauf</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Up</source>
        <translation>Nach oben</translation>
    </message>
    <message>
        <source>Down</source>
        <translation>Nach unten</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Running: %1</source>
        <translation>Läuft: %1</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Jobs waiting to run, first to run at the top</source>
        <translation>Wartende Aufträge, der nächste oben</translation>
    </message>
    <message>
        <source>Remove the selected job from the queue</source>
        <translation>Den ausgewählten Auftrag aus der Warteschlange entfernen</translation>
    </message>
    <message>
        <source>Run the selected job earlier</source>
        <translation>Den ausgewählten Auftrag früher ausführen</translation>
    </message>
    <message>
        <source>Run the selected job later</source>
        <translation>Den ausgewählten Auftrag später ausführen</translation>
    </message>
    <message>
        <source>Remove every waiting job</source>
        <translation>Alle wartenden Aufträge entfernen</translation>
    </message>
</context>
<context>
    <name>lightning::ui::RefinePanel</name>
    <message>
        <source>Input image</source>
        <translation>Eingabebild</translation>
    </message>
    <message>
        <source>None: the prompt alone makes the image. Drop an image on the window, use &quot;Use as input&quot; on a gallery image, or open a file to refine it.</source>
        <translation>Keines: Der Prompt allein erzeugt das Bild. Ein Bild auf das Fenster ziehen, „Als Eingabe verwenden“ bei einem Galeriebild wählen oder eine Datei öffnen, um sie zu verfeinern.</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>Öffnen…</translation>
    </message>
    <message>
        <source>Choose an image file to refine</source>
        <translation>Eine Bilddatei zum Verfeinern wählen</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Back to text to image</source>
        <translation>Zurück zu Text-zu-Bild</translation>
    </message>
    <message>
        <source>Paint mask…</source>
        <translation>Maske malen…</translation>
    </message>
    <message>
        <source>Paint the part to repaint (inpainting); the rest is kept</source>
        <translation>Den neu zu malenden Teil malen (Inpainting); der Rest bleibt</translation>
    </message>
    <message>
        <source>Clear mask</source>
        <translation>Maske löschen</translation>
    </message>
    <message>
        <source>Repaint the whole image again (img2img)</source>
        <translation>Das ganze Bild neu malen (img2img)</translation>
    </message>
    <message>
        <source>S&amp;trength</source>
        <translation>S&amp;tärke</translation>
    </message>
    <message>
        <source>How an input of another size than the one set above is fitted</source>
        <translation>Wie eine Eingabe anderer Größe als der oben eingestellten eingepasst wird</translation>
    </message>
    <message>
        <source>F&amp;it</source>
        <translation>E&amp;inpassen</translation>
    </message>
    <message>
        <source>Softens the mask&apos;s edge (a Gaussian blur of this radius)</source>
        <translation>Macht den Rand der Maske weicher (ein Gaußscher Weichzeichner mit diesem Radius)</translation>
    </message>
    <message>
        <source>Mask bl&amp;ur</source>
        <translation>Masken-Weich&amp;zeichnung</translation>
    </message>
    <message>
        <source>Keep u&amp;nmasked pixels</source>
        <translation>U&amp;nmaskierte Pixel behalten</translation>
    </message>
    <message>
        <source>Paste the input&apos;s pixels outside the mask back over the result, so that nothing outside the mask shifts</source>
        <translation>Die Pixel der Eingabe außerhalb der Maske wieder über das Ergebnis legen, damit sich außerhalb der Maske nichts verschiebt</translation>
    </message>
    <message>
        <source>&amp;Outpaint</source>
        <translation>&amp;Outpainting</translation>
    </message>
    <message>
        <source>left</source>
        <translation>links</translation>
    </message>
    <message>
        <source>top</source>
        <translation>oben</translation>
    </message>
    <message>
        <source>right</source>
        <translation>rechts</translation>
    </message>
    <message>
        <source>bottom</source>
        <translation>unten</translation>
    </message>
    <message>
        <source>Outpaint %1</source>
        <translation>Outpainting %1</translation>
    </message>
    <message>
        <source>Grow the canvas on the %1 by this many pixels (repainted); the size above grows with it. Or drag the canvas edges in Paint mask…</source>
        <translation>Die Leinwand %1 um so viele Pixel vergrößern (neu gemalt); die Größe oben wächst mit. Oder die Leinwandkanten unter „Maske malen…“ ziehen</translation>
    </message>
    <message>
        <source>How much changes: near 0 the input stays, 1 repaints it from noise</source>
        <translation>Wie viel sich ändert: nahe 0 bleibt die Eingabe, 1 malt sie aus Rauschen neu</translation>
    </message>
    <message>
        <source>Edit mask…</source>
        <translation>Maske bearbeiten…</translation>
    </message>
    <message>
        <source>%1
%2 × %3 px</source>
        <translation>%1
%2 × %3 px</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>No mask: the whole image is repainted</source>
        <translation>Keine Maske: Das ganze Bild wird neu gemalt</translation>
    </message>
    <message>
        <source>Mask %1: white parts are repainted</source>
        <translation>Maske %1: Weiße Teile werden neu gemalt</translation>
    </message>
    <message>
        <source>?</source>
        <translation>?</translation>
    </message>
    <message>
        <source>Mask %1: %2</source>
        <translation>Maske %1: %2</translation>
    </message>
    <message>
        <source>Runs the last %1 of %2 steps</source>
        <translation>Führt die letzten %1 von %2 Schritten aus</translation>
    </message>
    <message>
        <source>Too low for %1 steps: no step would run</source>
        <translation>Zu niedrig für %1 Schritte: Kein Schritt würde laufen</translation>
    </message>
</context>
<context>
    <name>lightning::ui::ResultGrid</name>
    <message>
        <source>Arrow keys choose, Enter or a double-click keeps the image in the gallery; Ctrl/Shift select several</source>
        <translation>Pfeiltasten wählen, Eingabe oder Doppelklick behält das Bild in der Galerie; Strg/Umschalt wählen mehrere</translation>
    </message>
    <message>
        <source>&amp;Keep selected</source>
        <translation>Auswahl &amp;behalten</translation>
    </message>
    <message>
        <source>Save the selected images to the gallery (Ctrl+S)</source>
        <translation>Die ausgewählten Bilder in der Galerie speichern (Strg+S)</translation>
    </message>
    <message>
        <source>Keep &amp;all</source>
        <translation>&amp;Alle behalten</translation>
    </message>
    <message>
        <source>Save every finished image of this set to the gallery</source>
        <translation>Jedes fertige Bild dieses Satzes in der Galerie speichern</translation>
    </message>
    <message>
        <source>&amp;Back to preview</source>
        <translation>&amp;Zurück zur Vorschau</translation>
    </message>
    <message>
        <source>Show the preview again; images not kept are discarded with the next set</source>
        <translation>Die Vorschau wieder zeigen; nicht behaltene Bilder werden mit dem nächsten Satz verworfen</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>wartet</translation>
    </message>
    <message>
        <source>step %1/%2</source>
        <translation>Schritt %1/%2</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>behalten</translation>
    </message>
</context>
<context>
    <name>lightning::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>SDXL base</source>
        <translation>SDXL-Basis</translation>
    </message>
    <message>
        <source>stable-diffusion-xl-base-1.0 folder, or a single-file .safetensors checkpoint</source>
        <translation>Ordner stable-diffusion-xl-base-1.0 oder ein Einzeldatei-Checkpoint (.safetensors)</translation>
    </message>
    <message>
        <source>Configs for single file</source>
        <translation>Konfig. für Einzeldatei</translation>
    </message>
    <message>
        <source>diffusers folder with configs and tokenizers</source>
        <translation>diffusers-Ordner mit Konfigurationen und Tokenizern</translation>
    </message>
    <message>
        <source>SDXL-Lightning folder</source>
        <translation>SDXL-Lightning-Ordner</translation>
    </message>
    <message>
        <source>folder with sdxl_lightning_*step_unet*.safetensors</source>
        <translation>Ordner mit sdxl_lightning_*step_unet*.safetensors</translation>
    </message>
    <message>
        <source>Gallery folder</source>
        <translation>Galerieordner</translation>
    </message>
    <message>
        <source>Find in Hugging Face cache</source>
        <translation>Im Hugging-Face-Cache suchen</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>Reduced (fast)</source>
        <translation>Reduziert (schnell)</translation>
    </message>
    <message>
        <source>Full VAE decode</source>
        <translation>Volle VAE-Dekodierung</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <source>Live previews</source>
        <translation>Live-Vorschauen</translation>
    </message>
    <message>
        <source> GB</source>
        <translation> GB</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <source>Device memory for Lightning UNets kept ready, so switching between 1, 2, 4 and 8 steps is instant (about 5 GB each in fp16). Automatic: what the device has free.</source>
        <translation>Gerätespeicher für bereitgehaltene Lightning-UNets, damit der Wechsel zwischen 1, 2, 4 und 8 Schritten sofort geht (je etwa 5 GB in fp16). Automatisch: was das Gerät frei hat.</translation>
    </message>
    <message>
        <source>UNet checkpoint cache</source>
        <translation>UNet-Checkpoint-Cache</translation>
    </message>
    <message>
        <source>A1111: (word:1.2), [word], BREAK</source>
        <translation>A1111: (wort:1.2), [wort], BREAK</translation>
    </message>
    <message>
        <source>Compel: word++, (phrase)1.2, .and()</source>
        <translation>Compel: wort++, (phrase)1.2, .and()</translation>
    </message>
    <message>
        <source>None: plain text, first 75 tokens</source>
        <translation>Keine: reiner Text, erste 75 Tokens</translation>
    </message>
    <message>
        <source>How prompts are read. A1111 and Compel weight words and encode long prompts in 75-token chunks; None is diffusers&apos; plain encoding (cut after 75 tokens, 77 with start and end; a note says when). Each image records its syntax, so restoring it reproduces it.</source>
        <translation>Wie Prompts gelesen werden. A1111 und Compel gewichten Wörter und kodieren lange Prompts in Blöcken zu 75 Tokens; Keine ist die einfache Kodierung von diffusers (abgeschnitten nach 75 Tokens, 77 mit Start und Ende; ein Hinweis sagt, wann). Jedes Bild speichert seine Syntax, sodass Übernehmen es reproduziert.</translation>
    </message>
    <message>
        <source>Prompt s&amp;yntax</source>
        <translation>Prompt-S&amp;yntax</translation>
    </message>
    <message>
        <source>Embeddings folder</source>
        <translation>Embeddings-Ordner</translation>
    </message>
    <message>
        <source>textual-inversion .safetensors files (optional)</source>
        <translation>Textual-Inversion-Dateien .safetensors (optional)</translation>
    </message>
    <message>
        <source>Each SDXL embedding file here (clip_l and clip_g) is a token named after the file: neg1.safetensors is used by writing neg1 in a prompt.</source>
        <translation>Jede SDXL-Embedding-Datei hier (clip_l und clip_g) ist ein Token mit dem Namen der Datei: neg1.safetensors wird verwendet, indem man neg1 in einen Prompt schreibt.</translation>
    </message>
    <message>
        <source>VAE</source>
        <translation>VAE</translation>
    </message>
    <message>
        <source>the model&apos;s own VAE (or a VAE file / diffusers VAE folder)</source>
        <translation>der modelleigene VAE (oder eine VAE-Datei / ein diffusers-VAE-Ordner)</translation>
    </message>
    <message>
        <source>A VAE used instead of the model&apos;s, e.g. sdxl-vae-fp16-fix&apos;s sdxl.vae.safetensors (decodes in fp16 on a GPU)</source>
        <translation>Ein VAE anstelle des modelleigenen, z. B. sdxl.vae.safetensors von sdxl-vae-fp16-fix (dekodiert auf einer GPU in fp16)</translation>
    </message>
    <message>
        <source>Upscaler models</source>
        <translation>Upscaler-Modelle</translation>
    </message>
    <message>
        <source>ESRGAN .safetensors / .pth files (optional)</source>
        <translation>ESRGAN-Dateien .safetensors / .pth (optional)</translation>
    </message>
    <message>
        <source>A folder of ESRGAN-family upscaler models (RealESRGAN_x4plus, 4x-UltraSharp, ...): the gallery&apos;s Upscale ×2 / ×4, the form&apos;s upscale and the hires fix offer each file</source>
        <translation>Ein Ordner mit Upscaler-Modellen der ESRGAN-Familie (RealESRGAN_x4plus, 4x-UltraSharp, ...): „Hochskalieren ×2 / ×4“ der Galerie, das Hochskalieren des Formulars und der Hires-Fix bieten jede Datei an</translation>
    </message>
    <message>
        <source>Wildcards folder</source>
        <translation>Wildcards-Ordner</translation>
    </message>
    <message>
        <source>NAME.txt files for __NAME__ in prompts (optional)</source>
        <translation>NAME.txt-Dateien für __NAME__ in Prompts (optional)</translation>
    </message>
    <message>
        <source>__colors__ in a prompt is one line of colors.txt here (__sub/name__: sub/name.txt), chosen from the image&apos;s seed; {a|b} chooses without files.</source>
        <translation>__colors__ in einem Prompt ist eine Zeile von colors.txt hier (__sub/name__: sub/name.txt), gewählt anhand des Seeds des Bildes; {a|b} wählt ohne Dateien.</translation>
    </message>
    <message>
        <source>LoRA folder</source>
        <translation>LoRA-Ordner</translation>
    </message>
    <message>
        <source>LoRA .safetensors files (optional; several: a;b)</source>
        <translation>LoRA-Dateien .safetensors (optional; mehrere: a;b)</translation>
    </message>
    <message>
        <source>The form&apos;s LoRA panel offers every .safetensors file here (subfolders too) and in the Hugging Face cache; &lt;lora:name:0.8&gt; in a prompt uses the file name.safetensors</source>
        <translation>Das LoRA-Feld des Formulars bietet jede .safetensors-Datei hier (auch in Unterordnern) und im Hugging-Face-Cache an; &lt;lora:name:0.8&gt; in einem Prompt verwendet die Datei name.safetensors</translation>
    </message>
    <message>
        <source>Automatic (when memory is short)</source>
        <translation>Automatisch (bei knappem Speicher)</translation>
    </message>
    <message>
        <source>On</source>
        <translation>Ein</translation>
    </message>
    <message>
        <source>Decode the image in overlapping tiles (as diffusers&apos; enable_tiling): large sizes fit in less memory; the result differs slightly from an untiled decode</source>
        <translation>Das Bild in überlappenden Kacheln dekodieren (wie enable_tiling von diffusers): Große Formate passen in weniger Speicher; das Ergebnis weicht leicht von einer Dekodierung ohne Kacheln ab</translation>
    </message>
    <message>
        <source>VAE &amp;tiling</source>
        <translation>VAE-&amp;Kachelung</translation>
    </message>
    <message>
        <source>Full size</source>
        <translation>Volle Größe</translation>
    </message>
    <message>
        <source>¾ width and height</source>
        <translation>¾ Breite und Höhe</translation>
    </message>
    <message>
        <source>½ width and height (4× faster)</source>
        <translation>½ Breite und Höhe (4× schneller)</translation>
    </message>
    <message>
        <source>Live mode renders at this size for a quicker response; Generate and Keep record the size that was rendered</source>
        <translation>Der Live-Modus rendert in dieser Größe für schnellere Reaktion; Generieren und Behalten speichern die gerenderte Größe</translation>
    </message>
    <message>
        <source>&amp;Live mode resolution</source>
        <translation>Auflösung im &amp;Live-Modus</translation>
    </message>
    <message>
        <source> images</source>
        <translation> Bilder</translation>
    </message>
    <message>
        <source>&quot;More like this&quot; renders the next seeds of an image (seed + 1 … seed + N)</source>
        <translation>„Mehr davon“ rendert die nächsten Seeds eines Bildes (Seed + 1 … Seed + N)</translation>
    </message>
    <message>
        <source>&amp;More like this</source>
        <translation>&amp;Mehr davon</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>Ordner…</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Choose the folder for: %1</source>
        <translation>Den Ordner wählen für: %1</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>Datei…</translation>
    </message>
    <message>
        <source>Choose the file for: %1</source>
        <translation>Die Datei wählen für: %1</translation>
    </message>
    <message>
        <source>Safetensors (*.safetensors)</source>
        <translation>Safetensors (*.safetensors)</translation>
    </message>
    <message>
        <source>single-file checkpoint with configs</source>
        <translation>Einzeldatei-Checkpoint mit Konfigurationen</translation>
    </message>
    <message>
        <source>SDXL base folder</source>
        <translation>SDXL-Basisordner</translation>
    </message>
    <message>
        <source>configs and tokenizers found</source>
        <translation>Konfigurationen und Tokenizer gefunden</translation>
    </message>
    <message>
        <source>Lightning UNets found</source>
        <translation>Lightning-UNets gefunden</translation>
    </message>
    <message>
        <source>Lightning UNets for %1 steps</source>
        <translation>Lightning-UNets für %1 Schritte</translation>
    </message>
    <message>
        <source>writable</source>
        <translation>beschreibbar</translation>
    </message>
    <message>
        <source>no embeddings</source>
        <translation>keine Embeddings</translation>
    </message>
    <message>
        <source>No folder %1</source>
        <translation>Kein Ordner %1</translation>
    </message>
    <message>
        <source>no .safetensors files in this folder yet</source>
        <translation>noch keine .safetensors-Dateien in diesem Ordner</translation>
    </message>
    <message>
        <source>1 embedding: %1</source>
        <translation>1 Embedding: %1</translation>
    </message>
    <message>
        <source>%1 embeddings: %2</source>
        <translation>%1 Embeddings: %2</translation>
    </message>
    <message>
        <source>the model&apos;s own VAE</source>
        <translation>der modelleigene VAE</translation>
    </message>
    <message>
        <source>VAE file</source>
        <translation>VAE-Datei</translation>
    </message>
    <message>
        <source>diffusers VAE folder</source>
        <translation>diffusers-VAE-Ordner</translation>
    </message>
    <message>
        <source>No VAE file or folder (with config.json) at %1</source>
        <translation>Keine VAE-Datei und kein VAE-Ordner (mit config.json) unter %1</translation>
    </message>
    <message>
        <source>no wildcards</source>
        <translation>keine Wildcards</translation>
    </message>
    <message>
        <source>wildcards folder</source>
        <translation>Wildcards-Ordner</translation>
    </message>
    <message>
        <source>no LoRA folder (the Hugging Face cache&apos;s LoRAs are offered)</source>
        <translation>kein LoRA-Ordner (die LoRAs des Hugging-Face-Caches werden angeboten)</translation>
    </message>
    <message numerus="yes">
        <source>%n LoRA file(s)</source>
        <translation>
            <numerusform>%n LoRA-Datei</numerusform>
            <numerusform>%n LoRA-Dateien</numerusform>
        </translation>
    </message>
    <message>
        <source>no upscaler models</source>
        <translation>keine Upscaler-Modelle</translation>
    </message>
    <message>
        <source>no .safetensors or .pth files in this folder yet</source>
        <translation>noch keine .safetensors- oder .pth-Dateien in diesem Ordner</translation>
    </message>
    <message>
        <source>1 upscaler: %1</source>
        <translation>1 Upscaler: %1</translation>
    </message>
    <message>
        <source>%1 upscalers: %2</source>
        <translation>%1 Upscaler: %2</translation>
    </message>
    <message>
        <source>Found both models in %1</source>
        <translation>Beide Modelle in %1 gefunden</translation>
    </message>
    <message>
        <source>Found the SDXL base in %1, but no usable %2 snapshot</source>
        <translation>SDXL-Basis in %1 gefunden, aber kein brauchbarer %2-Snapshot</translation>
    </message>
    <message>
        <source>Found SDXL-Lightning in %1, but no usable %2 snapshot</source>
        <translation>SDXL-Lightning in %1 gefunden, aber kein brauchbarer %2-Snapshot</translation>
    </message>
    <message>
        <source>Nothing usable in %1</source>
        <translation>Nichts Brauchbares in %1</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>The language of the app; System follows the desktop&apos;s language</source>
        <translation>Die Sprache der App; System folgt der Sprache des Desktops</translation>
    </message>
    <message>
        <source>applies on the next start</source>
        <translation>gilt ab dem nächsten Start</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>Fill in the model paths from the models in the Hugging Face cache</source>
        <translation>Die Modellpfade aus den Modellen im Hugging-Face-Cache ausfüllen</translation>
    </message>
    <message>
        <source>Use and keep these settings</source>
        <translation>Diese Einstellungen verwenden und behalten</translation>
    </message>
    <message>
        <source>Close without changing settings</source>
        <translation>Schließen, ohne die Einstellungen zu ändern</translation>
    </message>
    <message>
        <source>How the image is shown while it renders</source>
        <translation>Wie das Bild während des Renderns gezeigt wird</translation>
    </message>
    <message>
        <source>Path of: %1</source>
        <translation>Pfad für: %1</translation>
    </message>
</context>
<context>
    <name>lightning::ui::SetupPage</name>
    <message>
        <source>Open Settings…</source>
        <translation>Einstellungen öffnen…</translation>
    </message>
    <message>
        <source>Search again</source>
        <translation>Erneut suchen</translation>
    </message>
    <message>
        <source>Look in the Hugging Face cache (%1) again</source>
        <translation>Erneut im Hugging-Face-Cache (%1) suchen</translation>
    </message>
    <message>
        <source>Download models…</source>
        <translation>Modelle herunterladen…</translation>
    </message>
    <message>
        <source>The model setup is not complete:</source>
        <translation>Die Modelleinrichtung ist nicht vollständig:</translation>
    </message>
</context>
<context>
    <name>lightning::ui::TokenCounter</name>
    <message>
        <source>no tokenizer (model not set up)</source>
        <translation>kein Tokenizer (Modell nicht eingerichtet)</translation>
    </message>
    <message>
        <source>loading tokenizer…</source>
        <translation>Tokenizer wird geladen…</translation>
    </message>
    <message>
        <source>tokenizer failed: %1</source>
        <translation>Tokenizer fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>lightning::ui::UpscalePanel</name>
    <message>
        <source>Hires fix and upscale</source>
        <translation>Hires-Fix und Hochskalieren</translation>
    </message>
    <message>
        <source>&amp;Hires fix</source>
        <translation>&amp;Hires-Fix</translation>
    </message>
    <message>
        <source>Hires stre&amp;ngth</source>
        <translation>Hires-Stär&amp;ke</translation>
    </message>
    <message>
        <source>Hires ste&amp;ps</source>
        <translation>Hires-Schr&amp;itte</translation>
    </message>
    <message>
        <source>Hires up&amp;scaler</source>
        <translation>Hires-Up&amp;scaler</translation>
    </message>
    <message>
        <source>&amp;Upscale with</source>
        <translation>&amp;Hochskalieren mit</translation>
    </message>
    <message>
        <source>Upscale b&amp;y</source>
        <translation>Hochskalieren u&amp;m</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <source>A1111&apos;s hires fix: each image is made at the size above, enlarged by this factor and refined there in a second pass</source>
        <translation>Hires-Fix wie in A1111: Jedes Bild wird in der oben eingestellten Größe erstellt, um diesen Faktor vergrößert und dort in einem zweiten Durchgang verfeinert</translation>
    </message>
    <message>
        <source>How much the second pass changes (its denoising strength): the last steps × strength steps of its schedule run</source>
        <translation>Wie viel der zweite Durchgang ändert (seine Entrauschungsstärke): Die letzten Schritte × Stärke seines Zeitplans laufen</translation>
    </message>
    <message>
        <source>Same as the image</source>
        <translation>Wie beim Bild</translation>
    </message>
    <message>
        <source>The second pass&apos;s schedule, with its Lightning checkpoint</source>
        <translation>Der Zeitplan des zweiten Durchgangs, mit seinem Lightning-Checkpoint</translation>
    </message>
    <message>
        <source>Latent</source>
        <translation>Latent</translation>
    </message>
    <message>
        <source>The first pass&apos;s latents, interpolated bilinearly</source>
        <translation>Die Latents des ersten Durchgangs, bilinear interpoliert</translation>
    </message>
    <message>
        <source>Latent (nearest)</source>
        <translation>Latent (nächster Nachbar)</translation>
    </message>
    <message>
        <source>The first pass&apos;s latents, each repeated</source>
        <translation>Die Latents des ersten Durchgangs, jeweils wiederholt</translation>
    </message>
    <message>
        <source>Lanczos</source>
        <translation>Lanczos</translation>
    </message>
    <message>
        <source>The first pass&apos;s pixels, resized with Lanczos</source>
        <translation>Die Pixel des ersten Durchgangs, mit Lanczos skaliert</translation>
    </message>
    <message>
        <source>How the first pass is enlarged before the second</source>
        <translation>Wie der erste Durchgang vor dem zweiten vergrößert wird</translation>
    </message>
    <message>
        <source>The images stay at their size</source>
        <translation>Die Bilder behalten ihre Größe</translation>
    </message>
    <message>
        <source>An upscaler model run over every finished image (after the hires fix)</source>
        <translation>Ein Upscaler-Modell, das über jedes fertige Bild läuft (nach dem Hires-Fix)</translation>
    </message>
    <message>
        <source>the model&apos;s own</source>
        <translation>das modelleigene</translation>
    </message>
    <message>
        <source>Below the model&apos;s own scale its result is resized down with Lanczos</source>
        <translation>Unterhalb des eigenen Faktors des Modells wird sein Ergebnis mit Lanczos verkleinert</translation>
    </message>
    <message>
        <source>%1 (not in the upscaler folder)</source>
        <translation>%1 (nicht im Upscaler-Ordner)</translation>
    </message>
    <message>
        <source>The hires fix applies to text to image; with an input image, set the larger size above instead.</source>
        <translation>Der Hires-Fix gilt für Text-zu-Bild; mit einem Eingabebild stattdessen oben die größere Größe einstellen.</translation>
    </message>
</context>
</TS>
