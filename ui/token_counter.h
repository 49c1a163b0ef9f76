// Live token counts for the prompt boxes. In the `none` prompt syntax against CLIP's 77-token
// window (75 prompt tokens plus start/end; the rest is cut off); in `a1111` and `compel`, which
// encode long prompts in several 75-token chunks, against the chunks the prompt takes. Uses the
// base model's own two CLIP tokenizers, loaded in the background and owned by the GUI thread, so
// counts work while the pipeline is still loading or busy generating.
#pragma once
#include "core/request/prompt_syntax.h"

#include <QObject>
#include <QString>

#include <memory>

namespace lightning {
class ClipTokenizer;
}

namespace lightning::ui {

struct TokenCount {
    int first = 0;   // tokenizer (CLIP ViT-L)
    int second = 0;  // tokenizer_2 (OpenCLIP ViT-bigG); differs only around '!'
    int limit = 75;  // tokens that fit the window
    int cut = -1;    // character position where the cut-off part starts; -1 when it all fits
    // Chunked syntaxes (a1111, compel): `first` counts the prompt's tokens in that syntax and
    // `limit` is chunks x 75; nothing is cut. 0 in the `none` syntax.
    int chunks = 0;
    QString error;  // the syntax cannot be read (compel refuses the prompt); counts are 0
};

class TokenCounter : public QObject {
    Q_OBJECT
public:
    explicit TokenCounter(QObject* parent = nullptr);
    ~TokenCounter() override;  // waits for a load in flight

    // Loads <root>/tokenizer and <root>/tokenizer_2 in the background ("" unloads).
    void set_tokenizer_root(const QString& root);
    bool ready() const { return tokenizers_ != nullptr; }
    // The prompt syntax counts follow (a1111 until set).
    void set_syntax(lightning::PromptSyntax syntax);
    lightning::PromptSyntax syntax() const { return syntax_; }
    QString status() const { return status_; }  // why not ready ("" when ready)

    TokenCount count(const QString& text) const;  // requires ready()
    // The count of a positive prompt: in the a1111 syntax its `<lora:name:weight>` tags are
    // taken out first, as the engine takes them out before encoding (core/lora/lora_files.h's
    // extract_lora_tags; a tag it refuses is the count's error).
    TokenCount count_prompt(const QString& text) const;

Q_SIGNALS:
    void readyChanged();

private:
    struct Pair;
    int count_with(const lightning::ClipTokenizer& tokenizer, const QString& text) const;
    int cut_position(const lightning::ClipTokenizer& tokenizer, const QString& text,
                     int limit) const;
    TokenCount count_chunked(const QString& text) const;

    QString root_;
    std::shared_ptr<const Pair> tokenizers_;
    QString status_;
    lightning::PromptSyntax syntax_ = lightning::PromptSyntax::A1111;
    class QThread* loader_ = nullptr;
    int generation_ = 0;  // discards results of superseded loads
};

}  // namespace lightning::ui
