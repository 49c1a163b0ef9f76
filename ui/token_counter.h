// Live token counts for the prompt boxes against CLIP's 77-token window (75 prompt tokens plus
// start/end). Uses the base model's own two CLIP tokenizers, loaded in the background and owned
// by the GUI thread, so counts work while the pipeline is still loading or busy generating.
#pragma once
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
};

class TokenCounter : public QObject {
    Q_OBJECT
public:
    explicit TokenCounter(QObject* parent = nullptr);
    ~TokenCounter() override;  // waits for a load in flight

    // Loads <root>/tokenizer and <root>/tokenizer_2 in the background ("" unloads).
    void set_tokenizer_root(const QString& root);
    bool ready() const { return tokenizers_ != nullptr; }
    QString status() const { return status_; }  // why not ready ("" when ready)

    TokenCount count(const QString& text) const;  // requires ready()

Q_SIGNALS:
    void readyChanged();

private:
    struct Pair;
    int count_with(const lightning::ClipTokenizer& tokenizer, const QString& text) const;
    int cut_position(const lightning::ClipTokenizer& tokenizer, const QString& text,
                     int limit) const;

    QString root_;
    std::shared_ptr<const Pair> tokenizers_;
    QString status_;
    class QThread* loader_ = nullptr;
    int generation_ = 0;  // discards results of superseded loads
};

}  // namespace lightning::ui
